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
 *
 * Too large (declared or streamed past the limit): it stops reading at once (the request stays
 * paused, nothing more is pulled off the socket), hands the request on so the 413 goes out
 * straight away, and marks the answer `Connection: close`, so Node closes the socket after the 413
 * instead of draining whatever the client still sends (Node would read a 200 MB upload to the end
 * to keep the connection alive).
 */
export function tiniAppBodyReader(limitBytes: number) {
  return (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void => {
    let done = false;
    const finish = (body: TiniAppRawBody) => {
      if (done) return;
      done = true;
      bodies.set(req, body);
      next();
    };
    const refuse = () => {
      req.off('data', onData);
      req.pause();
      res.setHeader('Connection', 'close');
      // The rest of the stack must not read the body either: without these headers the global
      // parser sees no body and skips the request.
      delete req.headers['content-length'];
      delete req.headers['transfer-encoding'];
      finish({ kind: 'too-large', limitBytes });
    };
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        chunks.length = 0;
        refuse();
      } else chunks.push(chunk);
    };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes) {
      req.on('data', onData); // marks the request as consumed, so Node does not drain it later
      refuse();
      return;
    }
    req.on('data', onData);
    req.once('end', () => finish({ kind: 'bytes', bytes: Buffer.concat(chunks) }));
    req.once('error', (error) => {
      if (done) return;
      done = true;
      next(error);
    });
  };
}

/** The body read for this request, or undefined when the reader is not mounted in front of the route. */
export function tiniAppRawBody(req: IncomingMessage): TiniAppRawBody | undefined {
  return bodies.get(req);
}
