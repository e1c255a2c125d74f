import { isRestError } from '@azure/core-rest-pipeline';
import { describeStorageFailure } from '../azure/storage-failure.js';
import { CodeTableUnavailableError } from './code-table.errors.js';

/** Whether a Table Storage call failed with one of these HTTP statuses (404 not found, 409 conflict, 412 ETag). */
export function hasStatus(error: unknown, ...statuses: number[]): boolean {
  return isRestError(error) && error.statusCode !== undefined && statuses.includes(error.statusCode);
}

/** Runs work on the code table: what fails unexpectedly is CodeTableUnavailableError (503), named by status only. */
export async function onCodeTable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CodeTableUnavailableError) throw error;
    throw new CodeTableUnavailableError(isRestError(error) ? describeStorageFailure(error) : (error as Error).message, { cause: error });
  }
}
