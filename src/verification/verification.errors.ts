import { AppError } from '../common/app-error.js';

export class InvalidVerifyRequestError extends AppError {
  constructor(detail: string) {
    super('INVALID_REQUEST', `Expected a JSON body like {"code": "abC-161-xYz"}: ${detail}.`, 400);
  }
}
