import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { TikiStandin, createTikiStandinServer } from './tiki-standin.server.js';

const KEY = 'standin-key';
const SECRET = 'standin-secret';

/** Signed by hand (not with the app's signer), so the stand-in's check is tested on its own. */
function sign(timestamp: string, body: string, secret = SECRET, key = KEY): Record<string, string> {
  const encoded = Buffer.from(`${timestamp}.${key}.${body}`, 'utf8').toString('base64url');
  return {
    'Content-Type': 'application/json',
    'X-Tiniapp-Client-Id': key,
    'X-Tiniapp-Timestamp': timestamp,
    'X-Tiniapp-Signature': createHmac('sha256', secret).update(encoded).digest('hex'),
  };
}

describe('TikiStandin', () => {
  let now = 1_700_000_000_000;
  const standin = new TikiStandin({ secretFor: async (key) => (key === KEY ? SECRET : undefined), now: () => now, tokenTtlSeconds: 60 });
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createTikiStandinServer(standin).listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tiniapp-open-api`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = async (path: string, body: string, headers: Record<string, string>) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', body, headers });
    return { status: res.status, body: (await res.json()) as { data: Record<string, unknown> | null; error: { code: number; reason: string; message: string } | null } };
  };

  it('accepts a correctly signed exchange and answers Tiki\'s token shape', async () => {
    const code = standin.issueCode({ id: 5, name: 'A' });
    const body = JSON.stringify({ code });
    const res = await post('/oauth/auth/token', body, sign(String(now), body));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: { access_token: expect.any(String), refresh_token: expect.any(String), expires_in: 60, scopes: ['user_profile'], token_type: 'bearer', customer: { id: 5, name: 'A' } },
      error: null,
    });
  });

  it('recomputes the signature from the bytes received: the same JSON re-spaced fails', async () => {
    const code = standin.issueCode();
    const signedFor = JSON.stringify({ code });
    const res = await post('/oauth/auth/token', JSON.stringify({ code }, null, 1), sign(String(now), signedFor));
    expect(res).toEqual({ status: 401, body: { data: null, error: { code: 401, reason: 'invalid_signature', message: 'signature does not match' } } });
  });

  it.each([
    ['a wrong secret', () => sign(String(now), '{"code":"c"}', 'other-secret'), 'signature does not match'],
    ['an unknown client key', () => sign(String(now), '{"code":"c"}', SECRET, 'someone-else'), 'unknown client'],
    ['a timestamp 61 s old', () => sign(String(now - 61_000), '{"code":"c"}'), 'timestamp is too old'],
    ['a timestamp 61 s ahead', () => sign(String(now + 61_000), '{"code":"c"}'), 'timestamp is in the future'],
    ['a timestamp in seconds', () => sign(String(Math.floor(now / 1000)), '{"code":"c"}'), 'timestamp is too old'],
    ['no signature headers', () => ({ 'Content-Type': 'application/json' }), expect.stringContaining('are required')],
  ])('rejects %s with invalid_signature', async (_name, headers, message) => {
    const res = await post('/oauth/auth/token', '{"code":"c"}', headers());
    expect(res).toEqual({ status: 401, body: { data: null, error: { code: 401, reason: 'invalid_signature', message } } });
  });

  it('a timestamp 59 s old is still accepted (then the unknown code is invalid_code)', async () => {
    const res = await post('/oauth/auth/token', '{"code":"c"}', sign(String(now - 59_000), '{"code":"c"}'));
    expect(res.body.error?.reason).toBe('invalid_code');
  });

  it('codes are single use; refresh rotates; /oauth/me answers until the access token expires', async () => {
    const code = standin.issueCode({ id: 8, name: 'B' });
    const body = JSON.stringify({ code });
    const first = await post('/oauth/auth/token', body, sign(String(now), body));
    expect((await post('/oauth/auth/token', body, sign(String(now), body))).body.error?.reason).toBe('invalid_code');

    const refreshBody = JSON.stringify({ refresh_token: first.body.data!.refresh_token });
    const refreshed = await post('/oauth/auth/token/refresh', refreshBody, sign(String(now), refreshBody));
    expect(refreshed.body.data).not.toHaveProperty('customer');
    expect((await post('/oauth/auth/token/refresh', refreshBody, sign(String(now), refreshBody))).body.error?.reason).toBe('invalid_token');

    const meBody = JSON.stringify({ access_token: refreshed.body.data!.access_token });
    expect((await post('/oauth/me', meBody, sign(String(now), meBody))).body).toEqual({ data: { customer_id: 8, customer_name: 'B', scopes: ['user_profile'] }, error: null });
    now += 61_000;
    try {
      expect((await post('/oauth/me', meBody, sign(String(now), meBody))).body.error).toMatchObject({ code: 400, reason: 'invalid_token' });
    } finally {
      now -= 61_000;
    }
  });

  it('mints auth codes over HTTP for trying the stack by hand', async () => {
    const res = await fetch(`${base}/_standin/auth_codes`, { method: 'POST', body: JSON.stringify({ customer_id: 77, customer_name: 'C' }) });
    const { data } = (await res.json()) as { data: { code: string } };
    const body = JSON.stringify({ code: data.code });
    const tokens = await post('/oauth/auth/token', body, sign(String(now), body));
    expect(tokens.body.data?.customer).toEqual({ id: 77, name: 'C' });
  });

  it('unknown paths are 404 in Tiki\'s error shape', async () => {
    const res = await post('/oauth/nope', '{}', sign(String(now), '{}'));
    expect(res).toEqual({ status: 404, body: { data: null, error: { code: 404, reason: 'not_found', message: expect.any(String) } } });
  });
});
