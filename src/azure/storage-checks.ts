import { describeStorageFailure, type StorageResource, storageProblem } from './storage-failure.js';

/** One storage finding, shaped as the doctor's CheckResult (azure/ does not import the doctor). */
export interface StorageFinding {
  status: 'ok' | 'fail';
  found: string;
  fix?: string;
  variable?: string;
}

/**
 * Runs a probe against a queue or table and says what it means: `ok(found)`, or the missing
 * resource / missing role with its fix, or the failure as such (unreachable endpoint, bad key).
 */
export async function probeStorage(resource: StorageResource, probe: () => Promise<string>, connectionVariable: string): Promise<StorageFinding> {
  try {
    return { status: 'ok', found: await probe() };
  } catch (error) {
    const problem = storageProblem(error, resource);
    if (problem) return { status: 'fail', ...problem };
    return {
      status: 'fail',
      found: `${resource.kind} "${resource.name}" could not be reached: ${describeStorageFailure(error)}`,
      fix: 'check the storage endpoint, its credentials and the network',
      variable: connectionVariable,
    };
  }
}
