import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpService } from '@nestjs/axios';
import axios from 'axios';
import { SecretStore } from '../secrets/secret-store.js';
import { SecretsService } from '../secrets/secrets.service.js';
import type { SecretsConfig } from '../secrets/secrets.config.js';
import { HttpTikiPlatformApi } from './http-tiki-platform-api.js';
import type { TiniAppConfig } from './tiniapp.config.js';
import { TikiApiBadResponseError, TikiApiStatusError } from './tiniapp.errors.js';
import { SystemClock } from '../common/clock.js';
import { clockOf } from '../../test/support/clock.js';

class MutableStore extends SecretStore {
  readonly kind = 'test';
  value = 'stored-1';
  async read(): Promise<string> {
    return this.value;
  }
}

const secretsConfig: SecretsConfig = {
  provider: 'local',
  keyVaultDisableChallengeResourceVerification: false,
  keyVaultRetryDelayMs: 1,
  maxAgeMs: 0,
  startupRetryMaxDelayMs: 1000,
  localValues: {},
};

/** A Tiki double that accepts one secret and records what it received. */
class Upstream {
  accepted = 'stored-1';
  answer?: { status: number; body: string };
  readonly seen: Array<{ url: string; body: string; headers: IncomingMessage['headers'] }> = [];
  server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res)).listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/base`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    this.seen.push({ url: req.url!, body, headers: req.headers });
    if (this.answer) {
      res.writeHead(this.answer.status).end(this.answer.body);
      return;
    }
    const ts = String(req.headers['x-tiniapp-timestamp']);
    const key = String(req.headers['x-tiniapp-client-id']);
    const encoded = Buffer.from(`${ts}.${key}.${body}`).toString('base64url');
    const ok = createHmac('sha256', this.accepted).update(encoded).digest('hex') === req.headers['x-tiniapp-signature'];
    res.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(ok ? { data: { ok: true }, error: null } : { data: null, error: { code: 401, reason: 'invalid_signature', message: 'no' } }));
  }
}

describe('HttpTikiPlatformApi', () => {
  const upstream = new Upstream();
  const store = new MutableStore();
  let baseUrl: string;
  const make = (overrides: Partial<TiniAppConfig> = {}) => {
    const config = { enabled: true, clientKey: 'key', baseUrl, clientSecretName: 'tiniapp-client-secret', timeoutMs: 1000, maxSockets: 4, bodyLimitBytes: 8192, ...overrides } as TiniAppConfig;
    return new HttpTikiPlatformApi(new HttpService(axios.create()), new SecretsService(store, secretsConfig, new SystemClock()), config, clockOf(() => 1_700_000_000_000));
  };

  beforeAll(async () => {
    baseUrl = await upstream.start();
  });

  afterAll(async () => {
    upstream.server.closeAllConnections();
    await new Promise((resolve) => upstream.server.close(resolve));
  });

  beforeEach(() => {
    upstream.seen.length = 0;
    upstream.answer = undefined;
    store.value = 'stored-1';
    upstream.accepted = 'stored-1';
  });

  it('POSTs compact JSON to <base><path>, with the timestamp it signed', async () => {
    const answer = await make().call('/oauth/me', { access_token: 'Hà Nội' });
    expect(answer).toEqual({ status: 200, body: { data: { ok: true }, error: null } });
    expect(upstream.seen[0]).toMatchObject({ url: '/base/oauth/me', body: '{"access_token":"Hà Nội"}' });
    expect(upstream.seen[0]!.headers).toMatchObject({ 'x-tiniapp-client-id': 'key', 'x-tiniapp-timestamp': '1700000000000', 'content-type': 'application/json' });
  });

  it('a stored secret rejected with invalid_signature is re-read once and the call retried', async () => {
    const api = make();
    await api.call('/oauth/me', { access_token: 't' }); // caches stored-1
    store.value = 'stored-2';
    upstream.accepted = 'stored-2';
    expect((await api.call('/oauth/me', { access_token: 't' })).status).toBe(200);
    expect(upstream.seen).toHaveLength(3);
  });

  it('a secret given in configuration is not retried (nothing to re-read)', async () => {
    upstream.accepted = 'other';
    const answer = await make({ clientSecret: 'configured' }).call('/oauth/me', { access_token: 't' });
    expect(answer.status).toBe(401);
    expect(upstream.seen).toHaveLength(1);
  });

  it.each([
    [{ status: 500, body: '{"data":null,"error":{}}' }, TikiApiStatusError],
    [{ status: 302, body: '' }, TikiApiStatusError],
    [{ status: 200, body: 'not json' }, TikiApiBadResponseError],
    [{ status: 400, body: '{"message":"no"}' }, TikiApiBadResponseError],
    [{ status: 200, body: '[1]' }, TikiApiBadResponseError],
  ])('%j → %p', async (answer, type) => {
    upstream.answer = answer;
    await expect(make().call('/oauth/me', { access_token: 't' })).rejects.toBeInstanceOf(type);
  });
});
