import { Module } from '@nestjs/common';
import { ClockModule } from '../../common/clock.js';
import { ClientAuthModule } from '../client-auth/client-auth.module.js';
import { IdpProbes } from './idp-probes.js';
import { OidcClient } from './oidc-client.js';
import { OidcDoctor } from './oidc.doctor.js';
import { IdentityProviderHealthIndicator } from './oidc.health.js';
import { OidcConfig, oidcConfigSection } from './oidc.config.js';
import { RoleMapper, createRoleMapper } from './role-mapper.js';

/**
 * The IdP as this app's OIDC client (discovery, grants, keys, logout tokens, authenticated as
 * AUTH_CLIENT_AUTH says), its claims-to-roles mapping, and what the doctor and readiness ask the IdP.
 */
@Module({
  imports: [oidcConfigSection.forFeature(), ClockModule, ClientAuthModule],
  providers: [
    OidcClient,
    { provide: RoleMapper, inject: [OidcConfig], useFactory: createRoleMapper },
    IdpProbes,
    OidcDoctor,
    IdentityProviderHealthIndicator,
  ],
  exports: [OidcClient, RoleMapper, IdpProbes],
})
export class OidcModule {}
