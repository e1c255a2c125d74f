import { Injectable, Logger } from '@nestjs/common';
import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { AuthConfig } from './auth.config.js';
import { InvalidBearerTokenError } from './auth.errors.js';
import { OidcClient, describeOidcError } from './oidc-client.js';

export interface BearerPrincipal {
  sub: string;
  claims: Record<string, unknown>;
}

/**
 * Checks `Authorization: Bearer` tokens from REST callers: as a JWT against the issuer's JWKS
 * (signature, issuer — Entra's `{tenantid}` template filled from `tid` and held to the tenant
 * allow-list —, audience, expiry, algorithm allow-list; `alg: none` can never pass), or by RFC 7662
 * introspection for opaque tokens.
 */
@Injectable()
export class BearerTokenValidator {
  private readonly logger = new Logger(BearerTokenValidator.name);

  constructor(
    private readonly config: AuthConfig,
    private readonly oidc: OidcClient,
  ) {}

  async validate(token: string): Promise<BearerPrincipal> {
    if (this.config.bearer === 'off') throw new InvalidBearerTokenError('Bearer tokens are not accepted (AUTH_BEARER=off)');
    const claims = this.config.bearer === 'introspection' ? await this.introspect(token) : await this.verifyJwt(token);
    if (this.config.allowedTenants.length && !this.config.allowedTenants.includes(String(claims.tid))) {
      throw this.reject(`tenant ${String(claims.tid)} not allowed`);
    }
    if (typeof claims.sub !== 'string' || !claims.sub) throw this.reject('no sub');
    return { sub: claims.sub, claims };
  }

  private async verifyJwt(token: string): Promise<Record<string, unknown>> {
    let unverified: JWTPayload;
    try {
      const header = decodeProtectedHeader(token);
      if (!header.alg || !this.config.bearerAlgorithms.includes(header.alg)) throw new Error(`algorithm ${String(header.alg)} not allowed`);
      unverified = decodeJwt(token);
    } catch (error) {
      throw this.reject((error as Error).message);
    }
    const issuers = this.oidc.expectedIssuers(unverified);
    if (!issuers.length) throw this.reject('no tid for the tenant-templated issuer');
    try {
      const { payload } = await jwtVerify(token, await this.oidc.keySet(), {
        issuer: issuers,
        audience: this.config.bearerAudience,
        algorithms: [...this.config.bearerAlgorithms],
        clockTolerance: this.config.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      });
      return payload as Record<string, unknown>;
    } catch (error) {
      throw this.reject(`${(error as { code?: string }).code ?? 'invalid'}: ${(error as Error).message}`);
    }
  }

  private async introspect(token: string): Promise<Record<string, unknown>> {
    const answer = await this.oidc.introspect(token).catch((error: unknown) => {
      throw this.reject(`introspection failed: ${describeOidcError(error)}`);
    });
    if (answer.active !== true) throw this.reject('inactive');
    const aud = answer.aud;
    const audiences = Array.isArray(aud) ? aud : aud === undefined ? [] : [aud];
    if (audiences.length && !audiences.includes(this.config.bearerAudience) && answer.client_id !== this.config.bearerAudience) {
      throw this.reject('wrong audience');
    }
    return answer;
  }

  private reject(reason: string): InvalidBearerTokenError {
    this.logger.debug(`Bearer token refused: ${reason}`);
    return new InvalidBearerTokenError(reason);
  }
}
