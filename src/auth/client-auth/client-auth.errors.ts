import { AppError } from '../../common/app-error.js';

/** The private_key_jwt key was read but cannot sign: the message says why, never the key. */
export class ClientKeyUnusableError extends AppError {
  constructor(name: string, problem: string) {
    super('CLIENT_KEY_UNUSABLE', `Client key "${name}" cannot be used: ${problem}.`, 503);
  }
}

/** The Key Vault key behind private_key_jwt could not be read or could not sign. */
export class ClientKeyUnavailableError extends AppError {
  constructor(
    name: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('CLIENT_KEY_UNAVAILABLE', `Client key "${name}" is unavailable.`, 503, options);
  }
}
