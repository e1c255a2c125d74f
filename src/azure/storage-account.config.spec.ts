import { storageAccountConfigSection, tableEndpointFromQueueUrl } from './storage-account.config.js';

describe('storage account config', () => {
  it('derives the Azure table endpoint from STORAGE_QUEUE_URL, in this one place', () => {
    expect(storageAccountConfigSection.parse({ STORAGE_QUEUE_URL: 'https://acct.queue.core.windows.net/code-requests' })).toMatchObject({
      ok: true,
      value: { queueUrl: 'https://acct.queue.core.windows.net/code-requests', tableEndpoint: 'https://acct.table.core.windows.net', maxTries: 3 },
    });
    expect(tableEndpointFromQueueUrl('http://127.0.0.1:10001/devstoreaccount1/q')).toBeUndefined();
  });

  it('an explicit STORAGE_TABLE_URL wins, and may name the table', () => {
    expect(storageAccountConfigSection.parse({ STORAGE_TABLE_URL: 'https://acct.table.core.windows.net/codes2', STORAGE_QUEUE_URL: 'https://other.queue.core.windows.net/q' })).toMatchObject({
      value: { tableEndpoint: 'https://acct.table.core.windows.net', tableNameInUrl: 'codes2' },
    });
  });

  it('a connection string alone derives nothing', () => {
    expect(storageAccountConfigSection.parse({ AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' })).toMatchObject({
      value: { connectionString: 'UseDevelopmentStorage=true', tableEndpoint: undefined },
    });
  });
});
