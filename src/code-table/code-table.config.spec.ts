import { codeTableConfigSection, tableEndpointFromQueueUrl } from './code-table.config.js';

describe('code table config', () => {
  it('uses the storage connection string (Azurite carries TableEndpoint=) by default', () => {
    expect(codeTableConfigSection.parse({ AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' })).toMatchObject({
      ok: true,
      value: { connectionString: 'UseDevelopmentStorage=true', tableEndpoint: undefined, tableName: 'validcodes', createIfMissing: false },
    });
  });

  it('derives the table endpoint from an Azure STORAGE_QUEUE_URL (managed identity)', () => {
    expect(codeTableConfigSection.parse({ STORAGE_QUEUE_URL: 'https://acct.queue.core.windows.net/code-requests' })).toMatchObject({
      ok: true,
      value: { connectionString: undefined, tableEndpoint: 'https://acct.table.core.windows.net', tableName: 'validcodes' },
    });
  });

  it('takes an explicit STORAGE_TABLE_URL, with the table name in it when given', () => {
    expect(codeTableConfigSection.parse({ STORAGE_TABLE_URL: 'https://acct.table.core.windows.net/codes2' })).toMatchObject({
      value: { tableEndpoint: 'https://acct.table.core.windows.net', tableName: 'codes2' },
    });
    expect(codeTableConfigSection.parse({ STORAGE_TABLE_URL: 'http://127.0.0.1:10002/devstoreaccount1' })).toMatchObject({
      value: { tableEndpoint: 'http://127.0.0.1:10002/devstoreaccount1', tableName: 'validcodes' },
    });
  });

  it('names the variable when no table can be found', () => {
    expect(codeTableConfigSection.parse({ STORAGE_QUEUE_URL: 'http://127.0.0.1:10001/devstoreaccount1/code-requests' })).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^STORAGE_TABLE_URL: is required/)],
    });
    expect(codeTableConfigSection.parse({ AZURE_STORAGE_CONNECTION_STRING: 'x', CODE_TABLE_NAME: '1bad' })).toMatchObject({ ok: false, problems: [expect.stringMatching(/^CODE_TABLE_NAME/)] });
  });

  it('tableEndpointFromQueueUrl only maps Azure queue hosts', () => {
    expect(tableEndpointFromQueueUrl('https://a.queue.core.windows.net/q')).toBe('https://a.table.core.windows.net');
    expect(tableEndpointFromQueueUrl('http://127.0.0.1:10001/devstoreaccount1/q')).toBeUndefined();
  });
});
