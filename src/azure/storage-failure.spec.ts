import { RestError } from '@azure/core-rest-pipeline';
import { describeStorageFailure, describeStorageFailureOf, isTableNotFound, storageErrorCode, storageProblem, type StorageResource } from './storage-failure.js';

const table: StorageResource = { kind: 'table', name: 'validcodes', nameVariable: 'CODE_TABLE_NAME', createVariable: 'CODE_TABLE_CREATE_IF_MISSING', role: 'Storage Table Data Contributor' };
const queue: StorageResource = { kind: 'queue', name: 'code-requests', nameVariable: 'STORAGE_QUEUE_NAME', createVariable: 'QUEUE_CREATE_IF_MISSING', role: 'Storage Queue Data Contributor' };

describe('storage failures named for their resource', () => {
  it("reads the code from the SDK, or from the OData body the Tables SDK leaves in the message (Azurite's point reads)", () => {
    expect(storageErrorCode(new RestError('x', { statusCode: 404, code: 'QueueNotFound' }))).toBe('QueueNotFound');
    const odata = new RestError('{"odata.error":{"code":"TableNotFound","message":{"lang":"en-US","value":"The table specified does not exist."}}}', { statusCode: 404 });
    expect(storageErrorCode(odata)).toBe('TableNotFound');
    expect(isTableNotFound(odata)).toBe(true);
    expect(isTableNotFound(new RestError('{"odata.error":{"code":"ResourceNotFound"}}', { statusCode: 404 }))).toBe(false);
    expect(describeStorageFailure(odata)).toBe('HTTP 404 (TableNotFound)');
  });

  it('a missing table or queue: what to do and which variable names it', () => {
    expect(storageProblem(new RestError('', { statusCode: 404, code: 'TableNotFound' }), table)).toEqual({
      found: 'table "validcodes" does not exist',
      fix: 'create it (deploy/azure/provision.sh creates it), or set CODE_TABLE_CREATE_IF_MISSING=true so the app creates it at start',
      variable: 'CODE_TABLE_NAME',
    });
    expect(storageProblem(new RestError('', { statusCode: 404, code: 'QueueNotFound' }), queue)?.found).toBe('queue "code-requests" does not exist');
    // A missing row is no missing table.
    expect(storageProblem(new RestError('', { statusCode: 404, code: 'ResourceNotFound' }), table)).toBeUndefined();
  });

  it('a 403: the role the identity needs on the resource', () => {
    expect(storageProblem(new RestError('', { statusCode: 403, code: 'AuthorizationPermissionMismatch' }), queue)).toEqual({
      found: 'the app\'s identity may not use queue "code-requests" (HTTP 403 AuthorizationPermissionMismatch)',
      fix: 'assign the "Storage Queue Data Contributor" role on the queue to the app\'s identity',
      variable: 'STORAGE_QUEUE_NAME',
    });
  });

  it('for the log: status and code, then the meaning; never the URL the SDK error may carry', () => {
    const error = new RestError('https://acct.queue.core.windows.net/code-requests?sig=SECRET', { statusCode: 404, code: 'QueueNotFound' });
    const line = describeStorageFailureOf(error, queue);
    expect(line).toBe('HTTP 404 (QueueNotFound): queue "code-requests" does not exist; create it (deploy/azure/provision.sh creates it), or set QUEUE_CREATE_IF_MISSING=true so the app creates it at start (STORAGE_QUEUE_NAME)');
    expect(line).not.toContain('sig=');
    expect(describeStorageFailureOf(new RestError('x', { statusCode: 500 }), queue)).toBe('HTTP 500');
  });
});
