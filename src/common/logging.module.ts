import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { pino, type DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import { HttpConfig } from '../config/http.config.js';
import { PRETTY_LOG_OPTIONS } from './pretty-log.options.js';

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

/**
 * LOG_FORMAT=pretty: pino-pretty through a worker transport, for local reading. Otherwise JSON to
 * stdout through an asynchronous destination, so a request never waits on a write(2) (pino
 * flushes it at exit).
 */
function withDestination(http: HttpConfig, options: Options): Options | [Options, DestinationStream] {
  if (http.logFormat === 'pretty') return { ...options, transport: { target: 'pino-pretty', options: PRETTY_LOG_OPTIONS } };
  return [options, pino.destination({ dest: 1, sync: false })];
}

/**
 * The pino-http options of the API. One request line per answer: `req` {id, method, path without
 * query string, remoteAddress}, `res` {statusCode}, responseTime. Probes are not logged.
 */
export function pinoHttpOptions(http: Pick<HttpConfig, 'logLevel'>): Options {
  return {
    level: http.logLevel,
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
      req: (req: IncomingMessage & { id: string; originalUrl?: string }) => ({
        id: req.id,
        method: req.method,
        url: (req.originalUrl ?? req.url)?.split('?')[0],
        remoteAddress: req.socket?.remoteAddress,
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
  };
}

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [HttpConfig],
      useFactory: (http: HttpConfig) => ({ pinoHttp: withDestination(http, pinoHttpOptions(http)) }),
    }),
  ],
})
export class LoggingModule {}
