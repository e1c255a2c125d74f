import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/app-error.js';
import { type AuthUser, authUserFromClaims, sessionUser } from '../auth-user.js';
import { NotAuthenticatedError } from '../auth.errors.js';
import { BearerTokenValidator } from '../bearer/bearer-token.validator.js';
import { ExchangedTokens } from '../downstream/exchanged-tokens.js';
import { RoleMapper } from '../oidc/role-mapper.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { ForwardAuthConfig } from './forward-auth.config.js';
import { InvalidForwardAuthRequestError, NoAllowedRoleError, SecondFactorRequiredError } from './forward-auth.errors.js';
import { recordForwardAuth } from './forward-auth.metrics.js';
import { SecondFactorStatus } from './second-factor-status.js';
import type { VerifyRequest } from './verify-request.js';

/** oauth2-proxy's header names, so proxy configurations written for it work unchanged. */
export const AUTH_REQUEST_HEADERS = {
  user: 'X-Auth-Request-User',
  email: 'X-Auth-Request-Email',
  groups: 'X-Auth-Request-Groups',
  preferredUsername: 'X-Auth-Request-Preferred-Username',
} as const;

/** The caller of a forward-auth subrequest, with what the headers need. */
interface Caller {
  user: AuthUser;
  preferredUsername?: string;
}

/**
 * The forward-auth decision for nginx `auth_request`, Traefik ForwardAuth and Envoy ext_authz:
 * the caller (a session cookie, at most one session read; or a Bearer token, verified locally
 * against the cached JWKS), then `allowed_roles`, `second_factor` and `audience`. Nothing on the
 * way calls the IdP except a first token exchange per session and audience (then cached), an
 * access token refresh when one falls due, and introspection when AUTH_BEARER=introspection.
 * Refusals are thrown (401, 403, 400): never a redirect, the proxy decides what the client sees.
 */
@Injectable()
export class ForwardAuthService {
  constructor(
    private readonly config: ForwardAuthConfig,
    private readonly sessions: SessionsService,
    private readonly bearer: BearerTokenValidator,
    private readonly roleMapper: RoleMapper,
    private readonly tokens: ExchangedTokens,
    private readonly secondFactor: SecondFactorStatus,
  ) {}

  /** The headers of a 2xx answer, or the refusal thrown. */
  async verify(request: VerifyRequest): Promise<Record<string, string>> {
    const host = request.original && this.config.redirectTargets.isKnownHost(request.original) ? request.original.host : 'other';
    try {
      const headers = await this.decide(request);
      recordForwardAuth('allowed', host);
      return headers;
    } catch (error) {
      recordForwardAuth(outcomeOf(error), host);
      throw error;
    }
  }

  /** Where a login started for this request returns to: the original URL when it is this origin or an allowed host. */
  returnTarget(request: VerifyRequest): string | undefined {
    return request.original ? this.config.redirectTargets.absolute(request.original.href) : undefined;
  }

  private async decide(request: VerifyRequest): Promise<Record<string, string>> {
    if (request.audience !== undefined && !this.config.verifyAudiences.includes(request.audience)) {
      throw new InvalidForwardAuthRequestError(`audience ${request.audience.slice(0, 100)} is not in AUTH_VERIFY_AUDIENCES`);
    }
    const caller = await this.identify(request);
    const { user } = caller;
    if (request.allowedRoles.length && !request.allowedRoles.some((role) => user.roles.includes(role))) throw new NoAllowedRoleError(request.allowedRoles);
    // The same rule and facts as @RequireSecondFactor(): the session's otp + secondFactorAt, or the IdP's step-up (STEP_UP_ACR).
    if (request.secondFactor && !this.secondFactor.isFresh(user)) {
      throw new SecondFactorRequiredError(this.secondFactor.stepUpUrl(this.returnTarget(request)), this.secondFactor.maxAgeSeconds);
    }
    const headers: Record<string, string> = {
      [AUTH_REQUEST_HEADERS.user]: headerValue(user.sub),
      [AUTH_REQUEST_HEADERS.groups]: headerValue(user.roles.join(',')),
    };
    if (user.email) headers[AUTH_REQUEST_HEADERS.email] = headerValue(user.email);
    if (caller.preferredUsername) headers[AUTH_REQUEST_HEADERS.preferredUsername] = headerValue(caller.preferredUsername);
    if (request.audience !== undefined) headers.Authorization = `Bearer ${await this.tokens.tokenFor(user, request.audience)}`;
    return headers;
  }

  private async identify(request: VerifyRequest): Promise<Caller> {
    if (request.authorization !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(request.authorization);
      if (!m) throw new NotAuthenticatedError('Use Authorization: Bearer <token>.');
      const { sub, claims } = await this.bearer.validate(m[1]!);
      return {
        user: authUserFromClaims({ ...claims, sub }, this.roleMapper.roles(claims), 'bearer', { accessToken: m[1]! }),
        preferredUsername: stringClaim(claims.preferred_username),
      };
    }
    const session = request.sessionCookie ? await this.sessions.fromCookie(request.sessionCookie) : undefined;
    if (!session) throw new NotAuthenticatedError();
    return {
      user: sessionUser(session),
      preferredUsername: stringClaim(session.claims.preferred_username),
    };
  }
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/** Header values are bytes: anything beyond printable ASCII (a name with "é", a newline) is percent-encoded, never sent raw. */
export function headerValue(value: string): string {
  return /^[\u0020-\u007e]*$/.test(value) ? value : encodeURIComponent(value);
}

function outcomeOf(error: unknown): string {
  if (error instanceof SecondFactorRequiredError) return 'second_factor';
  if (!(error instanceof AppError)) return 'error';
  if (error.status === 401) return 'unauthenticated';
  if (error.status === 403) return 'forbidden';
  if (error.status === 400) return 'bad_request';
  return 'error';
}
