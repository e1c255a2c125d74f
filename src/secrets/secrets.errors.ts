import { AppError } from '../common/app-error.js';

export class SecretNotFoundError extends AppError {
  constructor(name: string, store: string) {
    super('SECRET_NOT_FOUND', `Secret "${name}" was not found in the ${store} secret store.`, 503);
  }
}

export class SecretStoreUnavailableError extends AppError {
  constructor(store: string, reason: string, options?: { cause?: unknown }) {
    super('SECRET_STORE_UNAVAILABLE', `The ${store} secret store could not be read: ${reason}`, 503, options);
  }
}

/** The secret was read but its value cannot be used (e.g. too short); the message says why, never the value. */
export class SecretUnusableError extends AppError {
  constructor(name: string, problem: string) {
    super('SECRET_UNUSABLE', `Secret "${name}" cannot be used: ${problem}.`, 503);
  }
}
