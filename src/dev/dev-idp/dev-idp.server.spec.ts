import { startDevIdp, type RunningDevIdp } from './dev-idp.server.js';

describe('dev IdP server', () => {
  let idp: RunningDevIdp;
  beforeAll(async () => {
    idp = await startDevIdp({ clients: [{ clientId: 'app', clientSecret: 's', redirectUris: ['http://127.0.0.1:9/cb'], postLogoutRedirectUris: [] }] });
  });
  afterAll(() => idp.close());

  it('listens on a free loopback port and, without an issuer given, is its own URL', async () => {
    expect(idp.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(discovery.issuer).toBe(idp.issuer);
  });

  it('answers a failed interaction with a 400 page, its message escaped', async () => {
    const res = await fetch(`${idp.issuer}/interaction/no-such-uid`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/^<!doctype html><p>Sign-in problem: /);
  });

  it('stops listening on close', async () => {
    const other = await startDevIdp({ clients: [] });
    await other.close();
    await expect(fetch(`${other.issuer}/.well-known/openid-configuration`)).rejects.toThrow();
  });
});
