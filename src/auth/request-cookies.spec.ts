import type { IncomingMessage, ServerResponse } from 'node:http';
import fc from 'fast-check';
import { CookieSealer } from './sessions/cookie-sealer.js';
import { cookieMiddleware, requestCookies } from './request-cookies.js';

function parse(header: string | undefined): Record<string, string> {
  const req = { headers: header === undefined ? {} : { cookie: header } } as IncomingMessage;
  let failure: unknown;
  cookieMiddleware()(req as never, {} as ServerResponse as never, (error?: unknown) => (failure = error));
  if (failure) throw failure;
  return requestCookies(req);
}

describe('requestCookies (cookie-parser)', () => {
  it('parses, decodes and keeps the first of duplicate names', () => {
    expect(parse('a=1; b=%2F; a=2; c="q"; bad')).toEqual({ a: '1', b: '/', c: 'q' });
    expect(parse(undefined)).toEqual({});
  });

  it('drops JSON cookies (`j:`), which cookie-parser would hand over as objects', () => {
    expect(parse('app_session=j:{"s":"x"}; other=1')).toEqual({ other: '1' });
  });

  describe('invariant over arbitrary Cookie headers', () => {
    const sealer = new CookieSealer('a-session-secret-of-32-bytes-or-more', 'session');
    const genuine = sealer.seal({ s: 'the-session-id' });
    const piece = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom(';', '=', ' ', '"', '%', '%zz', '%00', 'j:', 'j:{"s":"x"}', 'app_session', 'app_session=', '\t', '\u0000', 'é'),
      fc.constant(genuine),
      // The genuine value, garbled: a flipped, dropped or added character.
      fc.nat({ max: genuine.length - 1 }).chain((i) =>
        fc.constantFrom(
          genuine.slice(0, i) + (genuine[i] === 'A' ? 'B' : 'A') + genuine.slice(i + 1),
          genuine.slice(0, i) + genuine.slice(i + 1),
          genuine.slice(0, i) + '-' + genuine.slice(i),
        ),
      ),
    );
    const header = fc.array(piece, { maxLength: 10 }).map((parts) => parts.join(''));

    it('never throws, yields only strings, and opens a session only for the genuine value', () => {
      fc.assert(
        fc.property(header, (h) => {
          const cookies = parse(h);
          for (const value of Object.values(cookies)) expect(typeof value).toBe('string');
          const value = cookies.app_session;
          const opened = sealer.open<{ s: string }>(value);
          if (value === genuine) expect(opened).toEqual({ s: 'the-session-id' });
          else expect(opened).toBeUndefined();
        }),
        { numRuns: 3000 },
      );
    });
  });
});
