import fc from 'fast-check';
import { anyReturnTo } from '../../../test/auth/support/attacker-inputs.js';
import { RD_MAX_LENGTH, RedirectTargets, parseAllowedHosts, rdFromQuery } from './redirect-targets.js';

const BASE = 'https://app.example.test';
const ALLOWED = ['*.example.test', 'shop.example.org:8443', 'any.example.net:*'];

/** What AUTH_REDIRECT_ALLOWED_HOSTS above allows, written out independently of the code under test. */
function allowedByHand(url: URL): boolean {
  if (url.origin === BASE) return true;
  if (url.protocol !== 'https:') return false;
  if (url.hostname.endsWith('.example.test') && url.port === '') return true;
  if (url.hostname === 'shop.example.org' && url.port === '8443') return true;
  return url.hostname === 'any.example.net';
}

/** The pieces of an `rd` an attacker splices: schemes, slashes both ways, hosts that look alike, userinfo, ports. */
const rdArbitrary = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('https://', 'http://', '//', '\\\\', '/\\', 'https:', 'https:/', 'HTTPS://', 'javascript:', 'data:', '', ' https://', 'https:\\\\'),
      fc.constantFrom(
        'evil.example', 'a.example.test', 'example.test', 'A.EXAMPLE.TEST', 'a.example.test.evil.example', 'example.test@evil.example',
        'a.example.test@evil.example', 'evil.example#.example.test', 'evil.example\\.example.test', 'evil.example?.example.test',
        'ａ.example.test', 'xn--80ak6aa92e.example.test', 'evil.example%2f.example.test', 'evilexample.test', '.example.test',
        'shop.example.org', 'any.example.net', 'app.example.test', '[::1]', '127.0.0.1', 'user:pw@a.example.test', 'a.example.test.',
      ),
      fc.constantFrom('', ':443', ':8443', ':80', ':1', ':*', ':99999', ':0443'),
      fc.constantFrom('', '/', '/x?y=1&z=2', '/..//evil.example', '#frag', '/%2e%2e/', '\t/x', '/\r\nSet-Cookie:a=b', '@evil.example/'),
    )
    .map((parts) => parts.join('')),
  anyReturnTo,
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

describe('RedirectTargets', () => {
  const { hosts, problems } = parseAllowedHosts(ALLOWED);
  const targets = new RedirectTargets(BASE, hosts);

  it('parses the allow-list', () => {
    expect(problems).toEqual([]);
    expect(hosts).toEqual([
      { host: 'example.test', subdomains: true },
      { host: 'shop.example.org', subdomains: false, port: '8443' },
      { host: 'any.example.net', subdomains: false, port: '*' },
    ]);
  });

  it.each([['evil.example/x'], ['*.'], ['*'], ['a..b'], ['host:70000'], ['host:0'], ['http://a.example'], ['a_b.example'], ['[::1]'], ['user@a.example'], ['*.*.a']])(
    'refuses the allow-list entry %j',
    (entry) => {
      expect(parseAllowedHosts([entry]).problems).toHaveLength(1);
    },
  );

  it.each([
    ['https://app.example.test/profile?a=1', 'https://app.example.test/profile?a=1'],
    ['/profile', 'https://app.example.test/profile'],
    ['https://details.example.test/details/7?view=full&x=1', 'https://details.example.test/details/7?view=full&x=1'],
    ['https://a.b.example.test/', 'https://a.b.example.test/'],
    ['https://A.EXAMPLE.TEST/x', 'https://a.example.test/x'],
    ['https://details.example.test:443/', 'https://details.example.test/'],
    ['https://shop.example.org:8443/cart', 'https://shop.example.org:8443/cart'],
    ['https://any.example.net:9/', 'https://any.example.net:9/'],
    ['https://any.example.net/', 'https://any.example.net/'],
  ])('allows %s', (rd, expected) => {
    expect(targets.absolute(rd)).toBe(expected);
  });

  it.each([
    ['https://evil.example/'],
    ['https://example.test/'], // *. is subdomains only
    ['https://a.example.test.evil.example/'],
    ['https://a.example.test@evil.example/'],
    ['https://user:pw@a.example.test/'],
    ['http://a.example.test/'], // http only when this app itself is http
    ['https://a.example.test:8443/'], // no port in the entry: default port only
    ['https://shop.example.org/'], // its entry names port 8443
    ['//evil.example/'],
    ['/\\evil.example/'],
    ['\\\\evil.example'],
    ['https://evil.example\\.example.test/'],
    ['javascript:alert(1)'],
    ['data:text/html,x'],
    ['https://a.example.test/\tx'],
    [' https://a.example.test/'],
    [''],
    [undefined],
    [['https://a.example.test/']],
  ])('refuses %j', (rd) => {
    expect(targets.absolute(rd)).toBeUndefined();
  });

  it('refuses an rd longer than RD_MAX_LENGTH', () => {
    expect(targets.absolute(`https://a.example.test/${'a'.repeat(RD_MAX_LENGTH)}`)).toBeUndefined();
  });

  it('an http app (local development) may return to http URLs of allowed hosts', () => {
    const local = new RedirectTargets('http://app.example.test:3000', parseAllowedHosts(['*.example.test:*']).hosts);
    expect(local.absolute('http://details.example.test:8080/x')).toBe('http://details.example.test:8080/x');
    expect(local.absolute('http://evil.example:8080/x')).toBeUndefined();
  });

  it('empty AUTH_REDIRECT_ALLOWED_HOSTS: this origin only', () => {
    const own = new RedirectTargets(BASE, []);
    expect(own.absolute('https://app.example.test/x')).toBe('https://app.example.test/x');
    expect(own.absolute('https://details.example.test/x')).toBeUndefined();
  });

  it('property: for any rd, the Location a finished login sends is this origin or an allowed host', () => {
    fc.assert(
      fc.property(rdArbitrary, (rd) => {
        const accepted = targets.absolute(rd);
        // What the callback sends for this login: the stored target, checked again.
        const location = targets.location(accepted ?? '/');
        expect(location).toMatch(/^[\u0021-\u007e]+$/);
        expect(location.length).toBeLessThanOrEqual(RD_MAX_LENGTH);
        // A browser resolves a Location against the callback URL.
        const resolved = new URL(location, `${BASE}/auth/callback`);
        expect(allowedByHand(resolved)).toBe(true);
        if (accepted) {
          expect(new URL(accepted).href).toBe(accepted); // already in the form the browser reads
          expect(location).toBe(accepted);
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it('property: a stored target that was tampered with still lands on this origin or an allowed host', () => {
    fc.assert(
      fc.property(rdArbitrary, (stored) => {
        expect(allowedByHand(new URL(targets.location(stored), `${BASE}/auth/callback`))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('rdFromQuery', () => {
  it.each([
    ['rd=https%3A%2F%2Fa.example.test%2Fx%3Fy%3D1%26z%3D2', 'https://a.example.test/x?y=1&z=2'],
    ['rd=https://a.example.test/x?y=1&z=2', 'https://a.example.test/x?y=1&z=2'], // nginx's $request_uri, unencoded
    ['foo=1&rd=http://a.example.test/x?y=1', 'http://a.example.test/x?y=1'],
    ['rd=https://a.example.test/files/a%20b?q=%26', 'https://a.example.test/files/a%20b?q=%26'], // raw: its own escapes kept
    ['rd=https://a.example.test%2Fx%3Fy%3D1%26z%3D2', 'https://a.example.test/x?y=1&z=2'], // ingress-nginx's $escaped_request_uri
    ['rd=https://a.example.test', 'https://a.example.test'],
    ['rd=%2Fprofile', '/profile'],
    ['xrd=https://evil.example/', undefined],
    ['', undefined],
  ])('%s → %s', (query, expected) => {
    expect(rdFromQuery(query)).toBe(expected);
  });
});
