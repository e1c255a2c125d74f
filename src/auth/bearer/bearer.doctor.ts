import { Injectable } from '@nestjs/common';
import { check, Diagnoses, type DoctorCheck, type DoctorChecks } from '../../doctor/doctor-check.js';
import { AuthConfig } from '../auth.config.js';
import { IdpProbes } from '../oidc/idp-probes.js';
import { BearerConfig } from './bearer.config.js';

/** Bearer tokens by introspection need the IdP's introspection endpoint. */
@Injectable()
@Diagnoses()
export class BearerDoctor implements DoctorChecks {
  constructor(
    private readonly auth: AuthConfig,
    private readonly config: BearerConfig,
    private readonly idp: IdpProbes,
  ) {}

  checks(): DoctorCheck[] {
    if (!this.auth.enabled || this.config.bearer !== 'introspection') return [];
    return [check('idp.introspection', () => this.idp.introspection())];
  }
}
