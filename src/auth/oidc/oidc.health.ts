import { Injectable } from '@nestjs/common';
import type { HealthIndicatorService } from '@nestjs/terminus';
import { Readiness, type ReadinessIndicator } from '../../health/health-indicator.js';
import { IdpProbes } from './idp-probes.js';
import { OidcConfig } from './oidc.config.js';

/**
 * Readiness indicator `identityProvider` (sign-in on only): the IdP's discovery document answers
 * with the configured issuer and its JWKS has keys, the doctor's own checks, cached briefly.
 */
@Injectable()
@Readiness()
export class IdentityProviderHealthIndicator implements ReadinessIndicator {
  constructor(
    private readonly config: OidcConfig,
    private readonly idp: IdpProbes,
  ) {}

  check(indicators: HealthIndicatorService) {
    if (this.config.provider === 'none') return undefined;
    return indicators.check('identityProvider').attempt(() => this.idp.ready()).withTimeout(8000).cacheFor(10_000);
  }
}
