import type { PrettyOptions } from 'pino-pretty';

/**
 * How pino-pretty (a devDependency: local use only) renders a log line, for `LOG_FORMAT=pretty`
 * in a process and for the local stack's supervisor, which renders its parts' JSON lines: one
 * line per entry, local time, the Nest context and a request's method, path and status in front
 * of the message, and the fields every line repeats left out. Serializable, so it can also go to
 * pino's transport worker.
 */
export const PRETTY_LOG_OPTIONS = {
  singleLine: true,
  translateTime: 'SYS:HH:MM:ss.l',
  ignore: 'pid,hostname,context,req,res,responseTime',
  messageFormat: '{if context}{context}: {end}{if req.method}{req.method} {req.url} {res.statusCode} ({responseTime} ms) {end}{msg}',
} satisfies PrettyOptions;
