import { isRestError } from '@azure/core-rest-pipeline';
import { describeStorageFailure, describeStorageFailureOf, type StorageResource } from '../azure/storage-failure.js';
import { CodeTableUnavailableError } from './code-table.errors.js';

/** Whether a Table Storage call failed with one of these HTTP statuses (404 not found, 409 conflict, 412 ETag). */
export function hasStatus(error: unknown, ...statuses: number[]): boolean {
  return isRestError(error) && error.statusCode !== undefined && statuses.includes(error.statusCode);
}

/**
 * Runs work on the code table: what fails unexpectedly is CodeTableUnavailableError (503), named by
 * status only in the answer. Given the table, the log's reason also names a missing table or role
 * and the variable that fixes it.
 */
export async function onCodeTable<T>(work: () => Promise<T>, table?: StorageResource): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CodeTableUnavailableError) throw error;
    const reason = !isRestError(error) ? (error as Error).message : table ? describeStorageFailureOf(error, table) : describeStorageFailure(error);
    throw new CodeTableUnavailableError(reason, { cause: error });
  }
}

/** The code table as a storage resource (for the log and the doctor). */
export function codeTableResource(tableName: string): StorageResource {
  return { kind: 'table', name: tableName, nameVariable: 'CODE_TABLE_NAME', createVariable: 'CODE_TABLE_CREATE_IF_MISSING', role: 'Storage Table Data Contributor' };
}
