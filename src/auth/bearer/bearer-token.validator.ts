import { Injectable, Logger } from '@nestjs/common';
import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import { Clock } from '../../common/clock.js';
import { InvalidBearerTokenError } from '../auth.errors.js';
import { OidcClient, describeOidcError } from '../oidc/oidc-client.js';
import { OidcConfig } from '../oidc/oidc.config.js';
import { BearerConfig } from './bearer.config.js';
import { TokenResultCache } from './token-result.cache.js';

export interface BearerPrincipal {
  sub: string;
  claims: Record<string, unknown>;
}

type Decision = { ok: true; principal: BearerPrincipal } | { ok: false; reason: string };

/** A refusal the IdP or the token itself decided: the same token gets the same answer (cacheable). */
class DefiniteRefusal extends InvalidBearerTokenError {}

/** Header `typ` values an access token may carry; anything else (`logout+jwt`, `secevent+jwt` …) is another kind of token. */
const ACCESS_TOKEN_TYP = new Set(['at+jwt', 'application/at+jwt', 'jwt', 'application/jwt']);

/**
 * Checks `Authorization: Bearer` tokens from REST callers. They must be access tokens for this API:
 *
 * - JWT: signature against the issuer's JWKS, issuer (Entra's `{tenantid}` template filled from
 *   `tid` and held to the tenant allow-list), audience = AUTH_BEARER_AUDIENCE (never the client
 *   id by default: that is the ID token's audience), expiry, algorithm allow-list (`alg: none`
 *   can never pass), header `typ` `at+jwt` where the IdP sets it (RFC 9068), and never the shape
 *   of an ID or logout token (`nonce`, `events`, Keycloak's `typ: ID`/`Logout` claim).
 * - Opaque: RFC 7662 introspection; the answer must be active and name this API in `aud`.
 *
 * Tokens bound to a key (`cnf`: DPoP or mTLS) are refused in both cases: their proof is not checked.
 *
 * Results are remembered per token (digest) in a bounded cache, never past the token's `exp`;
 * introspection answers (positive and negative) for at most AUTH_INTROSPECTION_CACHE_SECONDS.
 */
@Injectable()
export class BearerTokenValidator {
  private readonly logger = new Logger(BearerTokenValidator.name);
  private readonly cache: TokenResultCache<Decision>;

  constructor(
    private readonly config: BearerConfig,
    private readonly idp: OidcConfig,
    private readonly oidc: OidcClient,
    private readonly clock: Clock,
  ) {
    this.cache = new TokenResultCache<Decision>(config.bearerCacheEntries);
  }

  async validate(token: string): Promise<BearerPrincipal> {
    if (this.config.bearer === 'off') throw new InvalidBearerTokenError('Bearer tokens are not accepted (AUTH_BEARER=off)');
    const key = TokenResultCache.keyOf(token);
    const remembered = this.cache.get(key, this.clock.now());
    if (remembered) {
      if (remembered.ok) return remembered.principal;
      throw new InvalidBearerTokenError(remembered.reason);
    }
    try {
      const principal = await this.check(token);
      this.remember(key, { ok: true, principal }, principal.claims.exp);
      return principal;
    } catch (error) {
      if (error instanceof DefiniteRefusal && this.config.bearer === 'introspection') {
        // Only introspection costs an IdP call; a refused JWT is re-checked locally.
        this.remember(key, { ok: false, reason: error.reason }, undefined);
      }
      throw error;
    }
  }

  private async check(token: string): Promise<BearerPrincipal> {
    const claims = this.config.bearer === 'introspection' ? await this.introspect(token) : await this.verifyJwt(token);
    if (this.idp.allowedTenants.length && !this.idp.allowedTenants.includes(String(claims.tid))) {
      throw this.reject(`tenant ${String(claims.tid)} not allowed`);
    }
    if (typeof claims.sub !== 'string' || !claims.sub) throw this.reject('no sub');
    // A sender-constrained token (RFC 9449 DPoP `cnf.jkt`, RFC 8705 mTLS `cnf.x5t#S256`) is valid
    // only with the proof of its key, which this API does not check: as plain Bearer, a stolen one
    // would be replayable. Refused, whatever member `cnf` has.
    if (claims.cnf !== undefined && claims.cnf !== null) throw this.reject('bound to a key (cnf): its proof of possession is not checked here');
    return { sub: claims.sub, claims };
  }

  /** Until the token's `exp` for a JWT; introspection answers also at most the configured seconds. */
  private remember(key: string, decision: Decision, exp: unknown): void {
    const now = this.clock.now();
    const bounds: number[] = [];
    if (typeof exp === 'number') bounds.push(exp * 1000);
    if (this.config.bearer === 'introspection') bounds.push(now + this.config.introspectionCacheSeconds * 1000);
    if (!bounds.length) return; // a JWT without exp never passes verification; nothing to bound it by
    this.cache.set(key, decision, Math.min(...bounds), now);
  }

  private async verifyJwt(token: string): Promise<Record<string, unknown>> {
    let header: ProtectedHeaderParameters;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      if (!header.alg || !this.config.bearerAlgorithms.includes(header.alg)) throw new Error(`algorithm ${String(header.alg)} not allowed`);
      unverified = decodeJwt(token);
    } catch (error) {
      throw this.reject((error as Error).message);
    }
    const issuers = this.oidc.expectedIssuers(unverified);
    if (!issuers.length) throw this.reject('no tid for the tenant-templated issuer');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.oidc.keySet(), {
        issuer: issuers,
        audience: this.config.bearerAudience,
        algorithms: [...this.config.bearerAlgorithms],
        clockTolerance: this.idp.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
        // One clock for the cache and the checks (jose would read its own).
        currentDate: new Date(this.clock.now()),
        ...(this.config.bearerRequireAtJwt ? { typ: 'at+jwt' } : {}),
      }));
    } catch (error) {
      throw this.reject(`${(error as { code?: string }).code ?? 'invalid'}: ${(error as Error).message}`);
    }
    this.refuseOtherTokenKinds(header, payload as Record<string, unknown>);
    return payload as Record<string, unknown>;
  }

  /**
   * IdPs that do not set `typ: at+jwt` (Keycloak, Entra: `typ: JWT`) sign ID and logout tokens
   * with the same key: tell them apart by what only those carry.
   */
  private refuseOtherTokenKinds(header: ProtectedHeaderParameters, claims: Record<string, unknown>): void {
    const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
    if (typ !== undefined && !ACCESS_TOKEN_TYP.has(typ)) throw this.reject(`header typ ${typ} is not an access token`);
    if ('nonce' in claims) throw this.reject('carries a nonce: an ID token');
    if ('events' in claims) throw this.reject('carries events: a logout (security event) token');
    // Keycloak marks its tokens in a `typ` claim: Bearer, ID, Logout, Refresh.
    if (typeof claims.typ === 'string' && claims.typ.toLowerCase() !== 'bearer') throw this.reject(`claim typ ${claims.typ} is not an access token`);
  }

  private async introspect(token: string): Promise<Record<string, unknown>> {
    const answer = await this.oidc.introspect(token).catch((error: unknown) => {
      // The IdP could not answer: not a decision about the token, so not remembered.
      throw this.reject(`introspection failed: ${describeOidcError(error)}`, false);
    });
    if (answer.active !== true) throw this.reject('inactive');
    const aud = answer.aud;
    const audiences = Array.isArray(aud) ? aud : aud === undefined || aud === null ? [] : [aud];
    if (!audiences.includes(this.config.bearerAudience)) throw this.reject(audiences.length ? 'wrong audience' : 'no audience');
    if (answer.token_type !== undefined && String(answer.token_type).toLowerCase() === 'refresh_token') throw this.reject('a refresh token');
    if (typeof answer.iss === 'string' && !this.oidc.expectedIssuers(answer as JWTPayload).includes(answer.iss)) throw this.reject('wrong issuer');
    if (typeof answer.exp === 'number' && answer.exp * 1000 <= this.clock.now()) throw this.reject('expired');
    return answer;
  }

  private reject(reason: string, definite = true): InvalidBearerTokenError {
    this.logger.debug(`Bearer token refused: ${reason}`);
    return definite ? new DefiniteRefusal(reason) : new InvalidBearerTokenError(reason);
  }
}
