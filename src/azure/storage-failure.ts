import { isRestError } from '@azure/core-rest-pipeline';

/**
 * The storage error code (`QueueNotFound`, `TableNotFound`, `AuthorizationPermissionMismatch`):
 * the SDK's `code`, or, where the Tables SDK leaves it unset (point reads and inserts against
 * Azurite), the OData error body's `code` that its message carries.
 */
export function storageErrorCode(error: unknown): string | undefined {
  if (!isRestError(error)) return undefined;
  return error.code ?? /"code"\s*:\s*"(\w+)"/.exec(error.message)?.[1];
}

/** A Table Storage 404 that is about the table itself, not a missing row. */
export function isTableNotFound(error: unknown): boolean {
  return isRestError(error) && error.statusCode === 404 && storageErrorCode(error) === 'TableNotFound';
}

/** Status and error code only: storage errors can echo request URLs carrying SAS tokens. */
export function describeStorageFailure(error: unknown): string {
  if (isRestError(error)) {
    const code = storageErrorCode(error);
    if (error.statusCode) return `HTTP ${error.statusCode}${code ? ` (${code})` : ''}`;
    return `network error (${error.code ?? 'unknown'})`;
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${error.name} (${code})` : error.name;
  }
  return 'unknown error';
}

/** A queue or table the app uses, as a failure about it should name it. */
export interface StorageResource {
  readonly kind: 'queue' | 'table';
  readonly name: string;
  /** The variable naming it (STORAGE_QUEUE_NAME, CODE_TABLE_NAME). */
  readonly nameVariable: string;
  /** The variable that makes the app create it at start (QUEUE_CREATE_IF_MISSING, CODE_TABLE_CREATE_IF_MISSING). */
  readonly createVariable: string;
  /** The data role the app's identity needs on it in Azure. */
  readonly role: string;
}

/** What a storage failure means for one resource, with the fix and the variable; undefined when it is not about the resource. */
export interface StorageProblem {
  readonly found: string;
  readonly fix: string;
  readonly variable: string;
}

/** A missing queue or table, or a missing role on it, named with its fix; undefined for other failures (never a URL, key or SAS). */
export function storageProblem(error: unknown, resource: StorageResource): StorageProblem | undefined {
  if (!isRestError(error)) return undefined;
  const { kind, name } = resource;
  const code = storageErrorCode(error);
  if (error.statusCode === 404 && code === (kind === 'queue' ? 'QueueNotFound' : 'TableNotFound')) {
    return {
      found: `${kind} "${name}" does not exist`,
      fix: `create it (deploy/azure/provision.sh creates it), or set ${resource.createVariable}=true so the app creates it at start`,
      variable: resource.nameVariable,
    };
  }
  if (error.statusCode === 403) {
    return {
      found: `the app's identity may not use ${kind} "${name}" (HTTP 403${code ? ` ${code}` : ''})`,
      fix: `assign the "${resource.role}" role on the ${kind} to the app's identity`,
      variable: resource.nameVariable,
    };
  }
  return undefined;
}

/** describeStorageFailure, followed by what it means for `resource` when that is known: for log lines. */
export function describeStorageFailureOf(error: unknown, resource: StorageResource): string {
  const problem = storageProblem(error, resource);
  const failure = describeStorageFailure(error);
  return problem ? `${failure}: ${problem.found}; ${problem.fix} (${problem.variable})` : failure;
}
