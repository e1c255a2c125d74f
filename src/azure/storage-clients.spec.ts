import fc from 'fast-check';
import { allowsInsecureConnection, createQueueClient, createTableClient } from './storage-clients.js';
import { AZURITE_DEV_CONNECTION_STRING } from './azurite.js';

const KEY = 'a2V5';
const loopbackHost = fc.oneof(fc.constant('localhost'), fc.constant('[::1]'), fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)).map(([a, b, c]) => `127.${a}.${b}.${c}`));
const remoteHost = fc.oneof(
  fc.domain().filter((d) => d !== 'localhost' && !/^127\./.test(d)),
  fc.ipV4().filter((ip) => !ip.startsWith('127.')),
);
const account = fc.stringMatching(/^[a-z][a-z0-9]{2,20}$/).filter((a) => a !== 'devstoreaccount1');

describe('allowsInsecureConnection (the one plain-http rule)', () => {
  it('allows Azurite: its development shortcut and its well-known account on any host', () => {
    expect(allowsInsecureConnection('UseDevelopmentStorage=true')).toBe(true);
    expect(allowsInsecureConnection(AZURITE_DEV_CONNECTION_STRING)).toBe(true);
    expect(allowsInsecureConnection(`DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};TableEndpoint=http://azurite:10002/devstoreaccount1;`)).toBe(true);
  });

  it('invariant: any other account on a non-loopback host is refused, by connection string or URL', () => {
    fc.assert(
      fc.property(account, remoteHost, fc.integer({ min: 1, max: 65535 }), (name, host, port) => {
        const endpoint = `http://${host}:${port}/${name}`;
        expect(allowsInsecureConnection(`DefaultEndpointsProtocol=http;AccountName=${name};AccountKey=${KEY};TableEndpoint=${endpoint};QueueEndpoint=${endpoint};`)).toBe(false);
        expect(allowsInsecureConnection(`DefaultEndpointsProtocol=http;AccountName=${name};AccountKey=${KEY};`)).toBe(false);
        expect(allowsInsecureConnection(endpoint)).toBe(false);
      }),
    );
  });

  it('invariant: any account whose every endpoint is on loopback is allowed', () => {
    fc.assert(
      fc.property(account, loopbackHost, fc.integer({ min: 1, max: 65535 }), (name, host, port) => {
        const endpoint = `http://${host}:${port}/${name}`;
        expect(allowsInsecureConnection(`DefaultEndpointsProtocol=http;AccountName=${name};AccountKey=${KEY};TableEndpoint=${endpoint};`)).toBe(true);
        expect(allowsInsecureConnection(endpoint)).toBe(true);
      }),
    );
  });

  it('one non-loopback endpoint is enough to refuse', () => {
    expect(allowsInsecureConnection(`AccountName=acct;AccountKey=${KEY};QueueEndpoint=http://127.0.0.1:1/acct;TableEndpoint=http://10.0.0.5:2/acct;`)).toBe(false);
  });
});

describe('storage client builders', () => {
  const retry = { maxTries: 2, retryDelayMs: 10, requestTimeoutMs: 1000 };

  it('opens any queue of the account by replacing the last segment of STORAGE_QUEUE_URL', () => {
    const client = createQueueClient({ queueUrl: 'https://acct.queue.core.windows.net/code-requests', ...retry }, 'code-requests-poison');
    expect(client.url).toBe('https://acct.queue.core.windows.net/code-requests-poison');
    expect(client.name).toBe('code-requests-poison');
  });

  it('opens a queue by connection string', () => {
    expect(createQueueClient({ connectionString: AZURITE_DEV_CONNECTION_STRING, ...retry }, 'q1').url).toBe('http://127.0.0.1:10001/devstoreaccount1/q1');
  });

  it('prefers an explicit table endpoint over the connection string', () => {
    const client = createTableClient({ connectionString: AZURITE_DEV_CONNECTION_STRING, tableEndpoint: 'https://acct.table.core.windows.net', ...retry }, 'validcodes');
    expect(client.url).toBe('https://acct.table.core.windows.net');
    expect(client.tableName).toBe('validcodes');
  });

  it('says what is missing when the account has no way in', () => {
    expect(() => createQueueClient({ ...retry }, 'q')).toThrow(/STORAGE_QUEUE_URL/);
    expect(() => createTableClient({ ...retry }, 't')).toThrow(/STORAGE_TABLE_URL/);
  });
});
