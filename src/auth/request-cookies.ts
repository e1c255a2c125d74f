import type { IncomingMessage } from 'node:http';
import cookieParser from 'cookie-parser';

/**
 * The one Cookie header parser: `cookie-parser` (on the `cookie` package), mounted once by
 * createApp. The first value of a name wins, as browsers send the most specific cookie first.
 */
export function cookieMiddleware(): ReturnType<typeof cookieParser> {
  return cookieParser();
}

/**
 * The request's cookies as strings. cookie-parser turns `j:`-prefixed values into JSON objects;
 * no cookie of this app is JSON, so anything that is not a string is dropped here rather than
 * reaching code that expects one.
 */
export function requestCookies(req: IncomingMessage): Record<string, string> {
  const parsed = (req as IncomingMessage & { cookies?: unknown }).cookies;
  const out: Record<string, string> = {};
  if (!parsed || typeof parsed !== 'object') return out;
  for (const [name, value] of Object.entries(parsed)) if (typeof value === 'string') out[name] = value;
  return out;
}
