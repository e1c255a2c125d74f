import { Injectable } from '@nestjs/common';
import { check, Diagnoses, type DoctorCheck, type DoctorChecks } from '../../doctor/doctor-check.js';
import { IdpProbes } from './idp-probes.js';
import { OidcConfig } from './oidc.config.js';

/** The IdP as this app's client sees it (sign-in on only): discovery, issuer, method, keys, logout, redirect URI, credentials, clock. */
@Injectable()
@Diagnoses()
export class OidcDoctor implements DoctorChecks {
  constructor(
    private readonly config: OidcConfig,
    private readonly idp: IdpProbes,
  ) {}

  checks(): DoctorCheck[] {
    if (this.config.provider === 'none') return [];
    return [
      check('idp.discovery', () => this.idp.discovery()),
      check('idp.issuer', () => this.idp.issuer()),
      check('idp.client-auth-method', () => this.idp.clientAuthMethod()),
      check('idp.jwks', () => this.idp.jwks()),
      check('idp.end-session', () => this.idp.endSession()),
      check('idp.back-channel-logout', () => this.idp.backChannelLogout()),
      check('idp.redirect-uri', () => this.idp.redirectUri()),
      // A token request: the doctor only (an IdP counts failed grants).
      check('idp.client-credentials', () => this.idp.clientCredentials(), { atBoot: false }),
      check('idp.clock', () => this.idp.clockSkew()),
    ];
  }
}
