import { Module } from '@nestjs/common';
import { ClockModule } from '../../common/clock.js';
import { ClientAuthModule } from '../client-auth/client-auth.module.js';
import { OidcClient } from './oidc-client.js';
import { OidcConfig, oidcConfigSection } from './oidc.config.js';
import { RoleMapper, createRoleMapper } from './role-mapper.js';

/** The IdP as this app's OIDC client (discovery, grants, keys, logout tokens, authenticated as AUTH_CLIENT_AUTH says) and its claims-to-roles mapping. */
@Module({
  imports: [oidcConfigSection.forFeature(), ClockModule, ClientAuthModule],
  providers: [OidcClient, { provide: RoleMapper, inject: [OidcConfig], useFactory: createRoleMapper }],
  exports: [OidcClient, RoleMapper],
})
export class OidcModule {}
