import fc from 'fast-check';
import { RETURN_TO_MAX_LENGTH, safeReturnTo } from './return-to.js';
import { anyReturnTo as attackerReturnTo } from '../../test/auth/support/attacker-inputs.js';

const BASE = 'https://app.example';
const CALLBACK = `${BASE}/auth/callback`;

describe('safeReturnTo', () => {
  it.each([['/'], ['/profile'], ['/profile?tab=1#x'], ['/a/b/../c'], ['/caf%C3%A9']])('keeps the same-origin path %s', (path) => {
    const u = new URL(path, BASE);
    expect(safeReturnTo(path, BASE)).toBe(u.pathname + u.search + u.hash);
  });

  it.each([
    ['//evil.example'],
    ['https://evil.example/'],
    ['/\\evil.example'],
    ['\\\\evil.example'],
    ['javascript:alert(1)'],
    ['evil.example'],
    ['/\r\nSet-Cookie:x'],
    ['/\t/evil.example'],
    ['/.//evil.example/x'], // normalises to //evil.example/x
    ['/a/..//evil.example'], // normalises to //evil.example
    ['/./\\evil.example'],
    ['/%2e%2e//evil.example'],
    [''],
    [undefined],
    [['/a', '/b']],
    ['/' + 'a'.repeat(3000)], // too long
  ])('falls back to / for %#', (value) => {
    expect(safeReturnTo(value, BASE)).toBe('/');
  });

  it('caps the encoded length: a long unicode path falls back to /', () => {
    expect(safeReturnTo(`/${'é'.repeat(400)}`, BASE)).toBe('/'); // 2400 characters once encoded
    expect(safeReturnTo(`/${'a'.repeat(RETURN_TO_MAX_LENGTH - 1)}`, BASE)).toHaveLength(RETURN_TO_MAX_LENGTH);
  });

  it('invariant: whatever the input, the Location sent resolves, as a browser reads it, to the app’s own origin', () => {
    fc.assert(
      fc.property(attackerReturnTo, (input) => {
        const location = safeReturnTo(input, BASE);
        expect(location.startsWith('/')).toBe(true);
        expect(location.length).toBeLessThanOrEqual(RETURN_TO_MAX_LENGTH);
        // A header value the browser will not rewrite: printable ASCII only (the parser encoded the rest).
        expect(location).toMatch(/^[\u0021-\u007e]+$/);
        expect(new URL(location, CALLBACK).origin).toBe(BASE);
        expect(new URL(location, `${BASE}/`).origin).toBe(BASE);
      }),
      { numRuns: 5000 },
    );
  });

  it('invariant: a plain same-origin path survives unchanged', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z0-9_-]{1,8}$/), { minLength: 1, maxLength: 5 }), (segments) => {
        const path = `/${segments.join('/')}`;
        expect(safeReturnTo(path, BASE)).toBe(path);
      }),
    );
  });
});
