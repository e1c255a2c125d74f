import { AppError } from '../common/app-error.js';

/** Redis could not serve a call a capability depends on (sessions). No URL or credential in it. */
export class RedisUnavailableError extends AppError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('REDIS_UNAVAILABLE', `Redis is unavailable (${what}).`, 503, options);
  }
}

/** No Entra token for Redis could be obtained (the credential's message is kept, never the token). */
export class RedisTokenError extends AppError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super('REDIS_TOKEN_UNAVAILABLE', `No Microsoft Entra token for Redis: ${reason}`, 503, options);
  }
}
