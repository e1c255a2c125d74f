import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the body reader saw: the exact bytes, or that there were more than the limit. */
export type TiniAppRawBody = { kind: 'bytes'; bytes: Buffer } | { kind: 'too-large'; limitBytes: number };

const bodies = new WeakMap<IncomingMessage, TiniAppRawBody>();

/** The Tini App routes, at the root like the seed's, so existing mini apps call them unchanged. */
export const TINIAPP_ROUTES = ['/auth_exchange', '/auth_refresh', '/auth_info'] as const;

/**
 * Express middleware for the Tini App routes, mounted before Nest's global JSON parser. It reads
 * the raw body itself, bounded by `limitBytes`, because the seed's answers need to tell "no body",
 * "not JSON"/"not an object" and "too large" apart, and the global parser's limit (100 kB) and error
 * answers are not these. Once the body is consumed the global parser skips the request. It never
 * answers itself: the controller turns what was read into the seed's 400s or a 413 through the one
 * exception filter.
 */
export function tiniAppBodyReader(limitBytes: number) {
  return (req: IncomingMessage, _res: ServerResponse, next: (error?: unknown) => void): void => {
    const declared = Number(req.headers['content-length']);
    let tooLarge = Number.isFinite(declared) && declared > limitBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return; // drained, not kept
      size += chunk.length;
      if (size > limitBytes) {
        tooLarge = true;
        chunks.length = 0;
      } else chunks.push(chunk);
    });
    req.once('end', () => {
      bodies.set(req, tooLarge ? { kind: 'too-large', limitBytes } : { kind: 'bytes', bytes: Buffer.concat(chunks) });
      next();
    });
    req.once('error', (error) => next(error));
  };
}

/** The body read for this request, or undefined when the reader is not mounted in front of the route. */
export function tiniAppRawBody(req: IncomingMessage): TiniAppRawBody | undefined {
  return bodies.get(req);
}
