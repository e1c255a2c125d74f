import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import request from 'supertest';
import { startApp, type RunningApp } from '../support/app.js';
import { KeyVaultDouble } from '../support/key-vault-double.js';
import { ConfigValidationError } from '../../src/config/config.errors.js';
import { CLIENT_KEY, CLIENT_SECRET, TikiHarness, otherCapabilitiesEnv } from './tiki-standin.harness.js';

const ROUTES = [
  { path: '/auth_exchange', key: 'code' },
  { path: '/auth_refresh', key: 'refresh_token' },
  { path: '/auth_info', key: 'access_token' },
] as const;

/** The API with the Tini App backend configured the seed's way (CLIENT_KEY, CLIENT_SECRET, AUTH_ENDPOINT). */
function seedEnv(tiki: TikiHarness, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...otherCapabilitiesEnv(),
    CLIENT_KEY,
    CLIENT_SECRET,
    AUTH_ENDPOINT: `${tiki.baseUrl}/oauth/auth/token`, // the seed's form: the full token URL
    TINIAPP_TIMEOUT_MS: '400',
    ...extra,
  };
}

/** A raw POST, for bodies supertest would reshape (none at all, chunked without a length). */
function rawPost(url: string, path: string, body: Buffer | undefined, headers: Record<string, string>, chunked = false) {
  return new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    if (body && chunked) {
      for (let i = 0; i < body.length; i += 1000) req.write(body.subarray(i, i + 1000));
    } else if (body) req.write(body);
    req.end();
  });
}

/**
 * A client that keeps sending up to `total` bytes (respecting back-pressure) until the server
 * answers and closes; returns the status and how many body bytes the socket accepted.
 */
function floodPost(url: string, path: string, total: number, declared: boolean): Promise<{ status: number; written: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let response = '';
    let written = 0;
    let closed = false;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const framed = declared ? chunk : Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
    const end = () => {
      if (closed) return;
      closed = true;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
      if (!status) reject(new Error(`no answer after ${written} bytes`));
      else resolve({ status, written });
    };
    socket.on('data', (d: Buffer) => (response += d.toString('latin1')));
    socket.on('close', end);
    socket.on('error', () => socket.destroy()); // EPIPE/ECONNRESET once the server closes: expected
    const pump = () => {
      while (!closed && !socket.destroyed && written < total) {
        written += chunk.length;
        if (!socket.write(framed)) return void socket.once('drain', pump);
      }
      if (!closed && !socket.destroyed) socket.end(declared ? '' : '0\r\n\r\n');
    };
    socket.once('connect', () => {
      const length = declared ? `Content-Length: ${total}` : 'Transfer-Encoding: chunked';
      socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\n${length}\r\n\r\n`);
      pump();
    });
  });
}

describe('Tini App auth backend against the Tiki stand-in', () => {
  let tiki: TikiHarness;
  let running: RunningApp;

  beforeAll(async () => {
    tiki = await new TikiHarness().start();
    running = await startApp(seedEnv(tiki));
  });

  afterAll(async () => {
    await running?.close();
    await tiki?.stop();
  });

  beforeEach(() => {
    tiki.fault = { kind: 'none' };
    tiki.secret = CLIENT_SECRET;
  });

  const lastSent = () => tiki.standin.received.at(-1)!;

  describe('each route succeeds end to end, signed as Tiki checks it', () => {
    it('/auth_exchange: a code becomes tokens and the customer; only {code} is forwarded, signed', async () => {
      const code = tiki.standin.issueCode({ id: 42, name: 'Nguyễn Văn A' });
      const res = await request(running.url).post('/auth_exchange').send({ code, extra: 'not forwarded', scope: ['x'] }).expect(200);
      expect(res.body).toEqual({
        data: {
          access_token: expect.any(String),
          expires_in: 3600,
          refresh_token: expect.any(String),
          scopes: ['user_profile'],
          token_type: 'bearer',
          customer: { id: 42, name: 'Nguyễn Văn A' },
        },
        error: null,
      });
      const sent = lastSent();
      expect(sent.path).toBe('/oauth/auth/token');
      expect(sent.body).toBe(JSON.stringify({ code }));
      expect(sent.headers['x-tiniapp-client-id']).toBe(CLIENT_KEY);
      expect(Number(sent.headers['x-tiniapp-timestamp'])).toBeGreaterThan(Date.now() - 10_000);
      expect(sent.headers['x-tiniapp-signature']).toMatch(/^[0-9a-f]{64}$/);
    });

    it('/auth_refresh: a refresh token becomes a new pair; the spent one is Tiki\'s invalid_token (400 passed through)', async () => {
      const code = tiki.standin.issueCode();
      const first = await request(running.url).post('/auth_exchange').send({ code }).expect(200);
      const refreshToken = first.body.data.refresh_token as string;
      const res = await request(running.url).post('/auth_refresh').send({ refresh_token: refreshToken, code: 'x' }).expect(200);
      expect(res.body.error).toBeNull();
      expect(res.body.data).toEqual({ access_token: expect.any(String), expires_in: 3600, refresh_token: expect.any(String), scopes: ['user_profile'], token_type: 'bearer' });
      expect(res.body.data.refresh_token).not.toBe(refreshToken);
      expect(lastSent()).toMatchObject({ path: '/oauth/auth/token/refresh', body: JSON.stringify({ refresh_token: refreshToken }) });

      const again = await request(running.url).post('/auth_refresh').send({ refresh_token: refreshToken }).expect(400);
      expect(again.body).toEqual({ data: null, error: { code: 400, reason: 'invalid_token', message: expect.any(String) } });
    });

    it('/auth_info: an access token gives the customer', async () => {
      const code = tiki.standin.issueCode({ id: 7, name: 'Trần Thị B' });
      const tokens = await request(running.url).post('/auth_exchange').send({ code }).expect(200);
      const res = await request(running.url).post('/auth_info').send({ access_token: tokens.body.data.access_token }).expect(200);
      expect(res.body).toEqual({ data: { customer_id: 7, customer_name: 'Trần Thị B', scopes: ['user_profile'] }, error: null });
      expect(lastSent()).toMatchObject({ path: '/oauth/me', body: JSON.stringify({ access_token: tokens.body.data.access_token }) });
    });

    it('reuses the connection to Tiki (keep-alive)', async () => {
      for (let i = 0; i < 3; i++) await request(running.url).post('/auth_exchange').send({ code: 'unknown' }).expect(400);
      const ports = tiki.standin.received.slice(-3).map((r) => r.remotePort);
      expect(new Set(ports).size).toBe(1);
    });
  });

  describe("Tiki's own 4xx answers pass through with Tiki's status and {data, error} body", () => {
    it('invalid_code: an unknown or already used code', async () => {
      const code = tiki.standin.issueCode();
      await request(running.url).post('/auth_exchange').send({ code }).expect(200);
      const res = await request(running.url).post('/auth_exchange').send({ code }).expect(400);
      expect(res.body).toEqual({ data: null, error: { code: 400, reason: 'invalid_code', message: expect.any(String) } });
    });

    it('invalid_token on /auth_info', async () => {
      const res = await request(running.url).post('/auth_info').send({ access_token: 'not-a-token' }).expect(400);
      expect(res.body.error.reason).toBe('invalid_token');
      expect(res.body.data).toBeNull();
    });

    it('invalid_signature (401) when the secret Tiki holds differs', async () => {
      tiki.secret = 'rotated-at-tiki';
      const res = await request(running.url).post('/auth_exchange').send({ code: tiki.standin.issueCode() }).expect(401);
      expect(res.body).toEqual({ data: null, error: { code: 401, reason: 'invalid_signature', message: 'signature does not match' } });
    });
  });

  describe('Tiki failing maps to 502/504 JSON naming no secret, header or internal detail', () => {
    it.each([
      ['a 500', { kind: 'status', status: 500 }, 502, 'TIKI_API_BAD_STATUS'],
      ['a 503 with a JSON body', { kind: 'status', status: 503, body: '{"data":null,"error":{"code":503}}' }, 502, 'TIKI_API_BAD_STATUS'],
      ['a 200 that is not JSON', { kind: 'status', status: 200, body: '<html>hello</html>' }, 502, 'TIKI_API_BAD_RESPONSE'],
      ['a 404 that is not Tiki\'s {data, error}', { kind: 'status', status: 404, body: '<html>not found</html>' }, 502, 'TIKI_API_BAD_RESPONSE'],
      ['a slow answer past TINIAPP_TIMEOUT_MS', { kind: 'slow', delayMs: 1500 }, 504, 'TIKI_API_TIMEOUT'],
      ['a connection reset', { kind: 'reset' }, 502, 'TIKI_API_UNREACHABLE'],
    ] as const)('%s → %s %s', async (_name, fault, status, error) => {
      tiki.fault = fault;
      for (const { path, key } of ROUTES) {
        const res = await request(running.url).post(path).send({ [key]: 'some-value' }).expect(status);
        expect(res.body).toEqual({ error, message: expect.any(String) });
        const text = JSON.stringify(res.body);
        for (const leak of [CLIENT_SECRET, CLIENT_KEY, 'Tiniapp', '127.0.0.1', 'tiniapp-open-api', 'some-value', 'ECONNRESET', 'Error:']) {
          expect(text).not.toContain(leak);
        }
      }
    });

    it('Tiki unreachable (nothing listening) → 502 TIKI_API_UNREACHABLE', async () => {
      const down = await new TikiHarness().start();
      const app = await startApp(seedEnv(down));
      try {
        await down.stop();
        const res = await request(app.url).post('/auth_exchange').send({ code: 'abc' }).expect(502);
        expect(res.body).toEqual({ error: 'TIKI_API_UNREACHABLE', message: expect.any(String) });
      } finally {
        await app.close();
      }
    });
  });

  describe("the seed's 400s, as JSON, before anything reaches Tiki", () => {
    const cases: Array<[string, string | undefined, string]> = [
      ['no body', undefined, 'No payload received'],
      ['an empty body with a JSON content type', '', 'No payload received'],
      ['an empty object', '{}', 'No payload received'],
      ['an empty array', '[]', 'No payload received'],
      ['null', 'null', 'No payload received'],
      ['not JSON', 'code=abc', 'Invalid payload data format'],
      ['truncated JSON', '{"code": "abc"', 'Invalid payload data format'],
      ['a JSON array', '["abc"]', 'Invalid payload data format'],
      ['a JSON string', '"abc"', 'Invalid payload data format'],
      ['a JSON number', '42', 'Invalid payload data format'],
    ];

    for (const { path, key } of ROUTES) {
      it.each(cases)(`${path}: %s → 400 %s`, async (_name, body, message) => {
        const before = tiki.standin.received.length;
        const res = await rawPost(running.url, path, body === undefined ? undefined : Buffer.from(body), {
          'Content-Type': 'application/json',
          ...(body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }),
        });
        expect(res).toEqual({ status: 400, body: { error: 'BAD_REQUEST', message } });
        expect(tiki.standin.received.length).toBe(before);
      });

      it.each([
        ['missing', { other: 'x' }],
        ['a number', { [key]: 123 }],
        ['an empty string', { [key]: '' }],
        ['null', { [key]: null }],
        ['an object', { [key]: { nested: 'x' } }],
      ])(`${path}: '${key}' %s → 400 Missing key '${key}'`, async (_name, body) => {
        const before = tiki.standin.received.length;
        const res = await request(running.url).post(path).send(body).expect(400);
        expect(res.body).toEqual({ error: 'BAD_REQUEST', message: `Missing key '${key}'` });
        expect(tiki.standin.received.length).toBe(before);
      });
    }
  });

  describe('the body is limited to TINIAPP_BODY_LIMIT_BYTES (8 KB by default)', () => {
    const bodyOfSize = (size: number) => {
      const shell = JSON.stringify({ code: '' });
      return Buffer.from(JSON.stringify({ code: 'c'.repeat(size - shell.length) }));
    };

    it('8192 bytes reach Tiki; 8193 bytes are 413 JSON (declared length)', async () => {
      const atLimit = bodyOfSize(8192);
      expect(atLimit.length).toBe(8192);
      const ok = await rawPost(running.url, '/auth_exchange', atLimit, { 'Content-Type': 'application/json', 'Content-Length': '8192' });
      expect(ok).toEqual({ status: 400, body: expect.objectContaining({ error: expect.objectContaining({ reason: 'invalid_code' }) }) });

      const before = tiki.standin.received.length;
      const over = await rawPost(running.url, '/auth_exchange', bodyOfSize(8193), { 'Content-Type': 'application/json', 'Content-Length': '8193' });
      expect(over).toEqual({ status: 413, body: { error: 'PAYLOAD_TOO_LARGE', message: 'The request body is larger than 8192 bytes.' } });
      expect(tiki.standin.received.length).toBe(before);
    });

    it.each([
      ['streamed (chunked)', false],
      ['declared (Content-Length: 200 MB)', true],
    ])('a client sending 200 MB %s gets 413 at once and the connection closed; the server does not drain it', async (_name, declared) => {
      const { status, written } = await floodPost(running.url, '/auth_exchange', 200 * 1024 * 1024, declared);
      expect(status).toBe(413);
      // What the client managed to write before the server closed: the limit plus socket buffers, not 200 MB.
      expect(written).toBeLessThan(32 * 1024 * 1024);
    });

    it('a chunked body without a length is cut off at the limit too', async () => {
      const res = await rawPost(running.url, '/auth_info', bodyOfSize(50_000), { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, true);
      expect(res).toEqual({ status: 413, body: { error: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } });
    });
  });

  it('other routes keep the global JSON parser (an unknown POST route is still a JSON 404)', async () => {
    const res = await request(running.url).post('/auth_exchange_not').send({ code: 'x' }).expect(404);
    expect(res.body.error).toBe('NOT_FOUND');
  });

  it('documents the three routes in the OpenAPI document', async () => {
    const docs = await request(running.url).get('/docs-json').expect(200);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/auth_exchange', '/auth_refresh', '/auth_info']));
  });
});

describe('Tini App configuration', () => {
  let tiki: TikiHarness;

  beforeAll(async () => {
    tiki = await new TikiHarness().start();
  });

  afterAll(async () => {
    await tiki.stop();
  });

  it('no configuration: the routes are off (404)', async () => {
    const app = await startApp(otherCapabilitiesEnv());
    try {
      for (const { path, key } of ROUTES) {
        const res = await request(app.url).post(path).send({ [key]: 'x' }).expect(404);
        expect(res.body.error).toBe('NOT_FOUND');
      }
    } finally {
      await app.close();
    }
  });

  it('a partial configuration stops start-up naming what is missing', async () => {
    const attempt = startApp({ ...otherCapabilitiesEnv(), CLIENT_KEY });
    await expect(attempt).rejects.toBeInstanceOf(ConfigValidationError);
    const message = await attempt.catch((e: Error) => e.message);
    expect(message).toMatch(/AUTH_ENDPOINT: is required/);
    expect(message).toMatch(/CLIENT_SECRET: is required/);
    expect(message).not.toMatch(/CLIENT_KEY: /);

    const noKey = await startApp({ ...otherCapabilitiesEnv(), TINIAPP_CLIENT_SECRET: 's', TINIAPP_API_BASE_URL: tiki.baseUrl }).catch((e: Error) => e.message);
    expect(noKey).toMatch(/CLIENT_KEY: is required/);

    const badUrl = await startApp({ ...otherCapabilitiesEnv(), CLIENT_KEY, CLIENT_SECRET, AUTH_ENDPOINT: 'api.tiki.vn' }).catch((e: Error) => e.message);
    expect(badUrl).toMatch(/AUTH_ENDPOINT: must be an absolute http\(s\) URL/);
  });

  it('TINIAPP_* names with a base URL, and the secret from the local secret store', async () => {
    const app = await startApp({
      ...otherCapabilitiesEnv(),
      TINIAPP_CLIENT_KEY: CLIENT_KEY,
      TINIAPP_API_BASE_URL: `${tiki.baseUrl}/`,
      SECRET_TINIAPP_CLIENT_SECRET: CLIENT_SECRET,
    });
    try {
      const res = await request(app.url).post('/auth_exchange').send({ code: tiki.standin.issueCode() }).expect(200);
      expect(res.body.data.access_token).toEqual(expect.any(String));
    } finally {
      await app.close();
    }
  });

  it('a secret rotated in the store: invalid_signature → re-read once → retried with the new one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tiniapp-'));
    const file = join(dir, 'client-secret');
    await writeFile(file, 'first-secret\n');
    tiki.secret = 'first-secret';
    const app = await startApp({ ...otherCapabilitiesEnv(), CLIENT_KEY, AUTH_ENDPOINT: tiki.baseUrl, SECRET_TINIAPP_CLIENT_SECRET_FILE: file });
    try {
      await request(app.url).post('/auth_exchange').send({ code: tiki.standin.issueCode() }).expect(200);
      await writeFile(file, 'second-secret\n');
      tiki.secret = 'second-secret';
      const before = tiki.standin.received.length;
      await request(app.url).post('/auth_exchange').send({ code: tiki.standin.issueCode() }).expect(200);
      expect(tiki.standin.received.length - before).toBe(2);
      // Rejected by Tiki with both: passed through after the single retry.
      tiki.secret = 'third-secret';
      const rejected = await request(app.url).post('/auth_exchange').send({ code: tiki.standin.issueCode() }).expect(401);
      expect(rejected.body.error.reason).toBe('invalid_signature');
    } finally {
      tiki.secret = CLIENT_SECRET;
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the client secret from Key Vault (KEY_VAULT_URL, managed identity)', async () => {
    const vault = await new KeyVaultDouble().start();
    const savedEnv = { ...process.env };
    Object.assign(process.env, vault.credentialEnv());
    vault.secrets.set('tiniapp-client-secret', CLIENT_SECRET);
    vault.secrets.set('third-party-api-key', 'unused');
    const { SECRET_THIRD_PARTY_API_KEY: _unused, ...env } = otherCapabilitiesEnv();
    const app = await startApp({
      ...env,
      KEY_VAULT_URL: vault.vaultUrl,
      KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: 'true',
      KEY_VAULT_RETRY_DELAY_MS: '20',
      CLIENT_KEY,
      AUTH_ENDPOINT: tiki.baseUrl,
    });
    try {
      await request(app.url).post('/auth_exchange').send({ code: tiki.standin.issueCode() }).expect(200);
      const reads = vault.secretReads;
      await request(app.url).post('/auth_exchange').send({ code: tiki.standin.issueCode() }).expect(200);
      expect(vault.secretReads).toBe(reads); // cached, not read per request
    } finally {
      await app.close();
      process.env = savedEnv;
      await vault.stop();
    }
  });
});
