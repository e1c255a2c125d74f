import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { freePort } from '../support/ports.js';
import { trustTestCertificate } from '../support/tls.js';
import { runQueueAdmin } from '../../src/apps/queue-admin/main.js';

const TENANT = '72f988bf-0000-0000-0000-000000000000';

/**
 * queue:peek / queue:clear the way they run against Azure: STORAGE_QUEUE_URL and
 * DefaultAzureCredential (here its managed-identity form, App Service flavour), no key anywhere.
 * Azurite runs over HTTPS with OAuth on, so it refuses requests without a storage-audience token
 * from an Entra-shaped issuer.
 */
describe('queue admin with STORAGE_QUEUE_URL and a managed identity (Azurite with OAuth)', () => {
  let azurite: ChildProcess;
  let identity: Server;
  let queuePort: number;
  let certDir: string;
  let tokenRequests = 0;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    const tls = await trustTestCertificate();
    certDir = mkdtempSync(join(tmpdir(), 'azurite-tls-'));
    writeFileSync(join(certDir, 'cert.pem'), tls.cert);
    writeFileSync(join(certDir, 'key.pem'), tls.key);
    queuePort = await freePort();
    const azuriteRoot = dirname(createRequire(import.meta.url).resolve('azurite/package.json'));
    azurite = spawn(process.execPath, [
      join(azuriteRoot, 'dist', 'src', 'queue', 'main.js'),
      '--queueHost', '127.0.0.1', '--queuePort', String(queuePort), '--inMemoryPersistence', '--skipApiVersionCheck',
      '--disableProductStyleUrl', '--oauth', 'basic', '--cert', join(certDir, 'cert.pem'), '--key', join(certDir, 'key.pem'),
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Azurite did not start: ${output}`)), 20_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/successfully listens/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      azurite.stdout!.on('data', onData);
      azurite.stderr!.on('data', onData);
    });

    // The managed-identity endpoint: a token whose issuer and audience are what Azure Storage expects.
    identity = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.headers['x-identity-header'] !== 'mi-header') return void res.writeHead(400).end();
      tokenRequests++;
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const token = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ aud: 'https://storage.azure.com', iss: `https://sts.windows.net/${TENANT}/`, iat: now, nbf: now - 60, exp: now + 3600, oid: 'app-identity' })}.c2ln`;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(
        JSON.stringify({ access_token: token, expires_on: String(now + 3600), resource: url.searchParams.get('resource'), token_type: 'Bearer' }),
      );
    });
    identity.listen(0, '127.0.0.1');
    await once(identity, 'listening');
    Object.assign(process.env, {
      IDENTITY_ENDPOINT: `http://127.0.0.1:${(identity.address() as AddressInfo).port}/msi/token`,
      IDENTITY_HEADER: 'mi-header',
    });
  }, 60_000);

  afterAll(async () => {
    process.env = savedEnv;
    azurite?.kill('SIGKILL');
    await new Promise((r) => identity?.close(r));
    rmSync(certDir, { recursive: true, force: true });
  });

  it('refuses anonymous access (so the token is what lets the tool in)', async () => {
    const res = await fetch(`https://127.0.0.1:${queuePort}/devstoreaccount1/mi-queue?comp=metadata`);
    expect([401, 403]).toContain(res.status);
  });

  it('peeks and clears with the managed identity only', async () => {
    const env = { STORAGE_QUEUE_URL: `https://127.0.0.1:${queuePort}/devstoreaccount1/mi-queue` };
    // Create and fill the queue through the same credential-based client the app uses.
    const { QueueClient } = await import('@azure/storage-queue');
    const { DefaultAzureCredential } = await import('@azure/identity');
    const queue = new QueueClient(env.STORAGE_QUEUE_URL, new DefaultAzureCredential());
    await queue.create();
    await queue.sendMessage('{"code":"abc-1-def","timestamp":"2026-01-01T00:00:00.000Z"}');

    const peeked = await runQueueAdmin('peek', env);
    expect(peeked).toMatchObject({ queue: 'mi-queue', approximateCount: 1 });
    expect(peeked.messages!.map((m) => m.body)).toEqual(['{"code":"abc-1-def","timestamp":"2026-01-01T00:00:00.000Z"}']);
    await expect(runQueueAdmin('clear', env)).resolves.toMatchObject({ cleared: true });
    expect((await queue.getProperties()).approximateMessagesCount).toBe(0);
    expect(tokenRequests).toBeGreaterThanOrEqual(1);
  });
});
