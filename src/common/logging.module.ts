import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { HttpConfig } from '../config/http.config.js';

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

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [HttpConfig],
      useFactory: (http: HttpConfig) => ({
        pinoHttp: {
          level: http.logLevel,
          genReqId: requestIdFor,
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          transport: http.logPretty ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
          // Probes would drown the log.
          autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health') },
          serializers: {
            req: (req: { id: string; method: string; url: string; headers: Record<string, unknown> }) => ({
              id: req.id,
              method: req.method,
              // Query strings may hold codes (OIDC callback) or keys (?code= on the number API).
              url: req.url?.split('?')[0],
              headers: req.headers,
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
