import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { ClockModule } from '../../common/clock.js';
import { SecretsService } from '../../secrets/secrets.service.js';
import { OidcClient } from './oidc-client.js';
import { OidcConfig, oidcConfigSection } from './oidc.config.js';
import { RoleMapper, createRoleMapper } from './role-mapper.js';

/** The IdP as this app's OIDC client (discovery, grants, keys, logout tokens) and its claims-to-roles mapping. */
@Module({
  imports: [oidcConfigSection.forFeature(), ClockModule],
  providers: [OidcClient, { provide: RoleMapper, inject: [OidcConfig], useFactory: createRoleMapper }],
  exports: [OidcClient, RoleMapper],
})
export class OidcModule implements OnApplicationBootstrap {
  constructor(
    private readonly config: OidcConfig,
    private readonly secrets: SecretsService,
  ) {}

  onApplicationBootstrap(): void {
    // Readiness reports it until it can be read; a public client (PKCE only) has none.
    if (this.config.provider !== 'none' && this.config.clientSecretName) this.secrets.require(this.config.clientSecretName);
  }
}
