import { jest } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Provider from 'oidc-provider';
import { handleDevIdpInteraction } from './dev-idp.interactions.js';
import { DEMO_USER } from './dev-idp.provider.js';

// The provider's two interaction calls are stubbed: this spec is about the form and the password
// check; test/auth/login-flow.e2e-spec.ts drives the same code against a real oidc-provider.
describe('dev IdP login interaction', () => {
  let server: Server;
  let base: string;
  const interactionFinished = jest.fn(async (_req: unknown, res: { end(body: string): void }, _result: unknown) => {
    res.end('finished');
  });
  const provider = {
    interactionDetails: async () => ({ params: { client_id: '<app & co>' } }),
    interactionFinished,
  } as unknown as Provider;

  beforeAll(async () => {
    server = createServer((req, res) => {
      handleDevIdpInteraction(provider, [DEMO_USER], req, res).then(
        (handled) => {
          if (!handled) res.writeHead(404).end('not an interaction');
        },
        (error: unknown) => res.writeHead(400).end((error as Error).message),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => interactionFinished.mockClear());

  const post = (body: string) =>
    fetch(`${base}/interaction/uid-1`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

  it('GET shows the sign-in form for that interaction, the client id escaped, never cached', async () => {
    const res = await fetch(`${base}/interaction/uid-1`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(html).toContain('action="/interaction/uid-1"');
    expect(html).toContain('&lt;app &amp; co&gt;');
    expect(html).not.toContain('<app & co>');
    expect(html).not.toContain('id="problem"');
  });

  it('POST with the right password finishes the login as that account', async () => {
    const res = await post(new URLSearchParams({ username: DEMO_USER.username, password: DEMO_USER.password }).toString());
    expect(await res.text()).toBe('finished');
    expect(interactionFinished).toHaveBeenCalledTimes(1);
    expect(interactionFinished.mock.calls[0]![2]).toEqual({ login: { accountId: DEMO_USER.sub, amr: ['pwd'] } });
  });

  it.each([
    ['a wrong password', { username: DEMO_USER.username, password: 'not-it' }],
    ['an unknown user', { username: 'nobody', password: DEMO_USER.password }],
    ['no password', { username: DEMO_USER.username }],
  ])('POST with %s shows the form again with a problem and logs nobody in', async (_what, fields) => {
    const res = await post(new URLSearchParams(fields).toString());
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('<p role="alert" id="problem">Wrong username or password.</p>');
    expect(interactionFinished).not.toHaveBeenCalled();
  });

  it('refuses a form over 16 KiB', async () => {
    const res = await post(`username=demo&password=${'x'.repeat(17 * 1024)}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('form too large');
    expect(interactionFinished).not.toHaveBeenCalled();
  });

  it('leaves every other path and method to the provider', async () => {
    expect((await fetch(`${base}/auth?client_id=x`)).status).toBe(404);
    expect((await fetch(`${base}/interaction/uid-1/extra`)).status).toBe(404);
    expect((await fetch(`${base}/interaction/uid-1`, { method: 'PUT' })).status).toBe(404);
  });
});
