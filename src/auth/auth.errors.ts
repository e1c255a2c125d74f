import { AppError } from '../common/app-error.js';
import { loginUrl } from './return-to.js';

/** A page asked for with GET is loaded again after logging in. */
function logInAndComeBack(request: { method: string; originalUrl: string }): string | undefined {
  return request.method === 'GET' ? loginUrl(request.originalUrl) : undefined;
}

/** No valid session or token: API callers get 401 JSON, pages are sent to log in. */
export class NotAuthenticatedError extends AppError {
  constructor(message = 'Sign in first.', readonly reason?: string) {
    super('NOT_AUTHENTICATED', message, 401, { headers: { 'WWW-Authenticate': 'Bearer' } });
  }
  override pageRedirect(request: { method: string; originalUrl: string }): string | undefined {
    return logInAndComeBack(request);
  }
}

export class ForbiddenRoleError extends AppError {
  constructor(role: string) {
    super('FORBIDDEN', `This needs the role "${role}".`, 403);
  }
}

/** A Bearer token that fails validation; `reason` is logged, never sent. */
export class InvalidBearerTokenError extends AppError {
  constructor(readonly reason: string) {
    super('INVALID_TOKEN', 'The access token is not valid.', 401, {
      headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
    });
  }
}

/** A login that cannot complete (IdP error, state/nonce/issuer/audience/expiry failure…). */
export class LoginFailedError extends AppError {
  constructor(readonly reason: string, message = 'Sign-in did not complete.', options?: { cause?: unknown }) {
    super('LOGIN_FAILED', message, 400, options);
  }
}

export class LogoutTokenInvalidError extends AppError {
  constructor(readonly reason: string) {
    super('INVALID_LOGOUT_TOKEN', 'The logout token is not valid.', 400);
  }
}

/** The IdP or its metadata cannot be reached. */
export class IdentityProviderUnavailableError extends AppError {
  constructor(readonly reason: string, options?: { cause?: unknown }) {
    super('IDP_UNAVAILABLE', 'The sign-in service is unavailable; try again shortly.', 503, options);
  }
}

/** A downstream service rejected the user's token: the session is over (a page sends the browser to log in again). */
export class SessionEndedError extends AppError {
  constructor(readonly reason: string) {
    super('SESSION_ENDED', 'Your session has ended; sign in again.', 401, { headers: { 'WWW-Authenticate': 'Bearer' } });
  }
  override pageRedirect(request: { method: string; originalUrl: string }): string | undefined {
    return logInAndComeBack(request);
  }
}

export class AuthDisabledError extends AppError {
  constructor() {
    super('AUTH_DISABLED', 'Sign-in is not configured (AUTH_PROVIDER=none).', 404);
  }
}

export class SessionStoreUnavailableError extends AppError {
  constructor(readonly reason: string, options?: { cause?: unknown }) {
    super('SESSION_STORE_UNAVAILABLE', 'Sessions are unavailable; try again shortly.', 503, options);
  }
}

/** The IdP would not issue a token for a downstream audience (or exchange is off); `reason` is logged, never sent. */
export class TokenExchangeFailedError extends AppError {
  constructor(readonly reason: string, options?: { cause?: unknown }) {
    super('TOKEN_EXCHANGE_FAILED', 'A token for the service could not be obtained.', 502, options);
  }
}
