import { Injectable } from '@nestjs/common';
import { SessionStore } from './session-store.js';

/**
 * Back-channel logout replay protection: a logout token's `jti` is claimed in the shared store, so
 * a token replayed to any instance (not only the one that saw it) is refused.
 */
@Injectable()
export class LogoutClaims {
  constructor(private readonly store: SessionStore) {}

  /** True the first time (on any instance) a token of `issuer` with this `jti` is seen within `ttlSeconds`. */
  claim(issuer: string, jti: string, ttlSeconds: number): Promise<boolean> {
    return this.store.claimOnce(`logout-jti:${issuer}:${jti}`, ttlSeconds);
  }
}
