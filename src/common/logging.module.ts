import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { pino, type DestinationStream, type LoggerOptions } from 'pino';
import type { Options } from 'pino-http';
import { LoggingConfig, loggingConfigSection } from './logging.config.js';
import { PRETTY_LOG_OPTIONS } from './pretty-log.options.js';

/** pino's sonic-boom destination (sonic-boom is pino's dependency, not ours). */
type SonicBoom = ReturnType<typeof pino.destination>;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Paths pino blanks in every line. Headers carry credentials; bodies and error objects may carry
 * tokens (Tini App, OIDC) and keys.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-functions-key"]',
  'req.headers["x-tiniapp-signature"]',
  'req.query.code',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.client_secret',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.apiKey',
];

/** A request id from `x-request-id` when it is sane, otherwise a new UUID; echoed on the answer. */
export function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

/** The most info lines held before a write(2): one write per this many bytes under load. */
export const LOG_BATCH_BYTES = 4096;

/** Batching destinations of the running apps, flushed by one shared timer. */
const batching = new Set<SonicBoom>();
let batchTimer: NodeJS.Timeout | undefined;

function startBatching(destination: SonicBoom, flushMs: number): void {
  batching.add(destination);
  if (batchTimer) return;
  batchTimer = setInterval(() => {
    for (const d of batching) d.flush();
  }, flushMs);
  batchTimer.unref();
}

/** Writes what `destination` holds now and stops batching it (its app is closing). */
export function stopBatching(destination: SonicBoom): void {
  try {
    destination.flushSync();
  } catch {
    destination.flush(); // an asynchronous write is still open: queue the rest behind it
  }
  batching.delete(destination);
  if (batching.size === 0 && batchTimer) {
    clearInterval(batchTimer);
    batchTimer = undefined;
  }
}

/**
 * The JSON destination: stdout through sonic-boom, asynchronous, so a request never waits on a
 * write(2). With `flushMs` > 0, info and lower lines are batched: written once LOG_BATCH_BYTES
 * have gathered or `flushMs` has passed, whichever comes first. Under load that is one write(2)
 * per several lines instead of one per line (README, Benchmarks: the syscalls are counted; the CPU
 * saved is below that machine's noise). Nothing waits on a batch: a line at warn and
 * above flushes it at once (`flushAtOrAbove`), `app.close()` flushes it, and pino flushes it
 * synchronously when the process exits (also after an uncaught exception). Only a process killed
 * with SIGKILL can lose its last ≤ flushMs of info lines.
 */
export function jsonLogDestination(flushMs: number, dest: number | string = 1): SonicBoom {
  const destination = pino.destination({ dest, sync: false, minLength: flushMs > 0 ? LOG_BATCH_BYTES : 0 });
  if (flushMs > 0) startBatching(destination, flushMs);
  return destination;
}

/** pino's logMethod hook: a line at `minLevel` or above is written at once, with what was batched before it. */
export function flushAtOrAbove(destination: SonicBoom, minLevel: number): NonNullable<LoggerOptions['hooks']>['logMethod'] {
  return function (this: unknown, args, method, level) {
    method.apply(this as never, args);
    if (level >= minLevel) destination.flush();
  };
}

/** What one app's logger made, so that its app's close flushes its own destination. */
class LogDestinations {
  readonly json: SonicBoom[] = [];
}

/** One LogDestinations per app: provided in the logger's scope and in LoggingModule's. */
@Module({ providers: [LogDestinations], exports: [LogDestinations] })
class LogDestinationsModule {}

/**
 * LOG_FORMAT=pretty: pino-pretty through a worker transport, for local reading. Otherwise JSON to
 * stdout through `jsonLogDestination` (batched when `batch` and LOG_FLUSH_MS > 0).
 */
function withDestination(logging: LoggingConfig, options: Options, batch: boolean, made: LogDestinations): Options | [Options, DestinationStream] {
  if (logging.logFormat === 'pretty') return { ...options, transport: { target: 'pino-pretty', options: PRETTY_LOG_OPTIONS } };
  const destination = jsonLogDestination(batch ? logging.logFlushMs : 0);
  made.json.push(destination);
  return [{ ...options, hooks: { logMethod: flushAtOrAbove(destination, pino.levels.values.warn!) } }, destination];
}

/**
 * The pino-http options of the API. One request line per answer: `req` {id, method, path without
 * query string, remoteAddress}, `res` {statusCode}, responseTime. Probes are not logged.
 * remoteAddress is the client as Express derived it with TRUST_PROXY (`req.ip`), the address the
 * rate limits count, not the proxy's socket.
 */
export function pinoHttpOptions(logging: Pick<LoggingConfig, 'logLevel'>): Options {
  return {
    level: logging.logLevel,
    genReqId: requestIdFor,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Probes would drown the log.
    autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health') },
    // The serializers read the raw request and response: pino-http's default wrapping first builds
    // the full standard request object (headers, query, params) per request only to be cut down here.
    wrapSerializers: false,
    serializers: {
      // Deliberately small: no headers (credentials live there) and no query string (it may
      // hold an OIDC code or a ?code= function key).
      // `forwardedUri`: the path a forward-auth subrequest (/auth/verify) asked about, when a route set it.
      req: (req: IncomingMessage & { id: string; originalUrl?: string; ip?: string; forwardedUri?: unknown }) => ({
        id: req.id,
        method: req.method,
        url: (req.originalUrl ?? req.url)?.split('?')[0],
        ...(typeof req.forwardedUri === 'string' ? { forwardedUri: req.forwardedUri } : {}),
        remoteAddress: req.ip ?? req.socket?.remoteAddress,
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
  };
}

/**
 * The process's logger (nestjs-pino): request lines from pino-http plus Nest's own logs.
 * `batch: true` (the HTTP services) batches info lines as `jsonLogDestination` says; the watcher
 * passes `false`, as its crash tests count its lines after a SIGKILL.
 */
@Module({})
export class LoggingModule implements OnApplicationShutdown {
  constructor(private readonly made: LogDestinations) {}

  static forRoot(options: { batch: boolean }): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        loggingConfigSection.forFeature(),
        LogDestinationsModule,
        LoggerModule.forRootAsync({
          imports: [loggingConfigSection.forFeature(), LogDestinationsModule],
          inject: [LoggingConfig, LogDestinations],
          useFactory: (logging: LoggingConfig, made: LogDestinations) => ({
            pinoHttp: withDestination(logging, pinoHttpOptions(logging), options.batch, made),
          }),
        }),
      ],
    };
  }

  /** Writes every batched line now (main.ts calls it after its "listening" line). */
  static flush(): void {
    for (const d of batching) d.flush();
  }

  onApplicationShutdown(): void {
    for (const d of this.made.json) stopBatching(d);
  }
}
