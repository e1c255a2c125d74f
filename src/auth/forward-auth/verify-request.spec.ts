import { originalUrl, readVerifyRequest } from './verify-request.js';

describe('readVerifyRequest', () => {
  it('nginx auth_request: options from the query, the original from X-Original-URI with X-Forwarded-Host/-Proto', () => {
    const request = readVerifyRequest(
      { allowed_roles: 'admin, editor', second_factor: '1', audience: 'details-api' },
      { 'x-original-uri': '/details/7?view=full', 'x-forwarded-host': 'details.example.com', 'x-forwarded-proto': 'https', authorization: 'Bearer t' },
      'sealed',
    );
    expect(request).toEqual({
      allowedRoles: ['admin', 'editor'],
      secondFactor: true,
      audience: 'details-api',
      authorization: 'Bearer t',
      sessionCookie: 'sealed',
      original: new URL('https://details.example.com/details/7?view=full'),
    });
  });

  it('Traefik: X-Forwarded-Uri; ingress-nginx: X-Original-URL; the first hop of a forwarded list', () => {
    expect(originalUrl({ 'x-forwarded-uri': '/a?b=1', 'x-forwarded-host': 'svc.example.com, proxy.internal', 'x-forwarded-proto': 'https,http' })?.href).toBe('https://svc.example.com/a?b=1');
    expect(originalUrl({ 'x-original-url': 'https://svc.example.com/x' })?.href).toBe('https://svc.example.com/x');
  });

  it('Envoy: the client’s path after the prefix; options only from the proxy’s headers, the client’s query ignored', () => {
    const request = readVerifyRequest({ audience: 'details-api', allowed_roles: 'nobody' }, { host: 'svc.example.com', 'x-forward-auth-second-factor': 'true' }, undefined, '/orders/1?audience=details-api');
    expect(request).toEqual({ allowedRoles: [], secondFactor: true, original: new URL('http://svc.example.com/orders/1?audience=details-api') });
  });

  it.each([
    [{ 'x-original-uri': '//evil.example/x', host: 'svc.example.com' }],
    [{ 'x-original-uri': 'relative', host: 'svc.example.com' }],
    [{ 'x-original-uri': '/x', host: 'evil.example/x@' }],
    [{ 'x-original-uri': '/x', host: 'svc.example.com', 'x-forwarded-proto': 'javascript' }],
    [{ 'x-original-url': 'javascript:alert(1)' }],
    [{}],
  ])('no original URL from %j', (headers) => {
    expect(originalUrl(headers)).toBeUndefined();
  });
});
