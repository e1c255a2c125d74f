import { createServer } from 'node:net';
import { once } from 'node:events';
import { findBusyPort } from './supervisor.js';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_STACK_ENV, LOCAL_STACK_PORTS, localStackEnv, localStackEnvironment, localStackParts } from './local-stack.parts.js';

describe('local stack', () => {
  it('names the part whose port is already taken', async () => {
    const blocker = createServer().listen(0, '0.0.0.0');
    await once(blocker, 'listening');
    const port = (blocker.address() as { port: number }).port;
    try {
      const busy = await findBusyPort([
        { name: 'a', script: 'a.js', ports: [], readyWhen: /x/ },
        { name: 'b', script: 'b.js', ports: [{ port, what: 'the API (PORT)' }], readyWhen: /x/ },
      ]);
      expect(busy).toEqual({ port, what: 'the API (PORT)' });
    } finally {
      blocker.close();
    }
  });

  it('runs Azurite on 10001/10002, the number API on 7071 and the API on PORT', () => {
    const ports = localStackParts({ PORT: '3100' }).flatMap((p) => p.ports.map((x) => x.port));
    expect(ports).toEqual(expect.arrayContaining([10001, 10002, 7071, 3100]));
  });

  it('runs MailDev as the dev mailbox (SMTP 1025, web 1080), sends step-up codes there, and prints its URL', () => {
    const parts = localStackParts({});
    const maildev = parts.find((p) => p.name === 'maildev')!;
    expect(maildev.ports.map((p) => p.port)).toEqual([1025, 1080]);
    expect(maildev.args).toEqual(['--smtp', '1025', '--web', '1080', '--ip', '127.0.0.1', '--web-ip', '127.0.0.1']);
    expect(parts.flatMap((p) => p.urls ?? [])).toContainEqual({ label: 'Mailbox (MailDev: step-up codes)', url: 'http://localhost:1080/' });
    expect(LOCAL_STACK_ENV).toMatchObject({ CODE_DELIVERY: 'smtp', SMTP_HOST: '127.0.0.1', SMTP_PORT: '1025' });
    // Before the API, so its first send finds the mailbox.
    expect(parts.findIndex((p) => p.name === 'maildev')).toBeLessThan(parts.findIndex((p) => p.name === 'api'));
  });

  it('moves every part and every URL between them to other ports when asked (tests run the stack on free ports)', () => {
    const ports = Object.fromEntries(Object.entries(LOCAL_STACK_PORTS).map(([k, v]) => [k, v + 20_000])) as typeof LOCAL_STACK_PORTS;
    const env = localStackEnv(ports);
    const used = localStackParts(env, { ports }).flatMap((p) => p.ports.map((x) => x.port));
    expect(used.sort()).toEqual(Object.values(ports).sort());
    expect(JSON.stringify(env)).not.toMatch(/:(3000|4000|7071|7072|7073|7074|10001|10002|1025)\b/);
  });

  it('runs seed 003\'s details and reviews stand-ins (7073, 7074) before the API, which calls them with exchanged tokens', () => {
    const parts = localStackParts({});
    const names = parts.map((p) => p.name);
    expect(names.indexOf('details')).toBeLessThan(names.indexOf('api'));
    expect(names.indexOf('reviews')).toBeLessThan(names.indexOf('api'));
    expect(parts.find((p) => p.name === 'details')).toMatchObject({ script: 'dist/dev/details/main.js', ports: [{ port: 7073 }] });
    expect(parts.find((p) => p.name === 'reviews')).toMatchObject({ script: 'dist/dev/reviews/main.js', ports: [{ port: 7074 }] });
    expect(LOCAL_STACK_ENV).toMatchObject({ DETAILS_API_URL: 'http://127.0.0.1:7073', REVIEWS_API_URL: 'http://127.0.0.1:7074', AUTH_VERIFY_AUDIENCES: 'details-api,reviews-api' });
  });
});

describe('localStackEnvironment (what npm start hands its parts)', () => {
  it('a client secret for the secret methods only; the developer’s own values win', () => {
    expect(localStackEnvironment({}).SECRET_OIDC_CLIENT_SECRET).toBe('dev-client-secret');
    expect(localStackEnvironment({ AUTH_CLIENT_AUTH: 'client_secret_post', SECRET_OIDC_CLIENT_SECRET: 'mine' }).SECRET_OIDC_CLIENT_SECRET).toBe('mine');
    expect(localStackEnvironment({ AUTH_CLIENT_AUTH: 'none' }).SECRET_OIDC_CLIENT_SECRET).toBeUndefined();
    expect(localStackEnvironment({ PORT: '3100', AUTH_PROVIDER: 'none' })).toMatchObject({ PORT: '3100', AUTH_PROVIDER: 'none' });
  });

  it('private_key_jwt: no client secret, a local key generated once and kept (0600)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'stack-key-')), 'nested', 'key.json');
    const env = localStackEnvironment({ AUTH_CLIENT_AUTH: 'private_key_jwt' }, file);
    expect(env.SECRET_OIDC_CLIENT_SECRET).toBeUndefined();
    expect(env.SECRET_OIDC_CLIENT_KEY_FILE).toBe(file);
    const key = readFileSync(file, 'utf8');
    expect(JSON.parse(key)).toMatchObject({ kty: 'RSA', d: expect.any(String) });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    localStackEnvironment({ AUTH_CLIENT_AUTH: 'private_key_jwt' }, file);
    expect(readFileSync(file, 'utf8')).toBe(key);
    // A key the developer provides is used instead.
    expect(localStackEnvironment({ AUTH_CLIENT_AUTH: 'private_key_jwt', SECRET_OIDC_CLIENT_KEY_FILE: '/mine.json' }, file).SECRET_OIDC_CLIENT_KEY_FILE).toBe('/mine.json');
  });
});
