import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { networkInterfaces } from 'node:os';
import type { AddressInfo } from 'node:net';
import { createSessionStore } from '../../src/auth/sessions/session-store.factory.js';
import type { SessionsConfig } from '../../src/auth/sessions/sessions.config.js';
import { SystemClock } from '../../src/common/clock.js';
import { createTableClient } from '../../src/azure/storage-clients.js';

/**
 * Attacker's view of the storage plumbing: a connection string that points plain http at a host
 * that is neither loopback nor Azurite must not make any client send the account key (a SharedKey
 * signature) over the network in clear text. The listener stands in for such a host, reached on
 * this machine's own non-loopback address.
 */
const externalAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
const KEY = Buffer.from('not-a-real-account-key').toString('base64');

const maybe = externalAddress ? describe : describe.skip;
maybe('plain http to a non-local storage host is refused (no request leaves the process)', () => {
  let server: Server;
  let hits: number;
  let connectionString: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      res.writeHead(500).end();
    });
    server.listen(0, '0.0.0.0');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    connectionString = `DefaultEndpointsProtocol=http;AccountName=prodaccount;AccountKey=${KEY};TableEndpoint=http://${externalAddress}:${port}/prodaccount;QueueEndpoint=http://${externalAddress}:${port}/prodaccount;`;
  });
  beforeEach(() => {
    hits = 0;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('the session table (AUTH_SESSION_STORE=table) sends nothing to it', async () => {
    const store = createSessionStore({
      enabled: true,
      sessionStore: 'table',
      sessionTable: 'sessions',
      storageConnectionString: connectionString,
    } as unknown as SessionsConfig, new SystemClock());
    await expect(store.get('some-session-id')).rejects.toThrow();
    expect(hits).toBe(0);
  });

  it('the code table client sends nothing to it', async () => {
    const client = createTableClient({ connectionString, maxTries: 1, retryDelayMs: 1 }, 'validcodes');
    await expect(client.createTable()).rejects.toThrow();
    expect(hits).toBe(0);
  });
});
