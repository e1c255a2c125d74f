import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { Clock, ClockModule } from '../../common/clock.js';
import { SecretsConfig, secretsConfigSection } from '../../secrets/secrets.config.js';
import { SecretsService } from '../../secrets/secrets.service.js';
import { OidcConfig, oidcConfigSection } from '../oidc/oidc.config.js';
import { ClientAuthDoctor } from './client-auth.doctor.js';
import { ClientAuthentication } from './client-authentication.js';
import { createClientAuthentication } from './client-authentication.factory.js';
import { ClientJwksController } from './client-jwks.controller.js';

/**
 * How the app authenticates as the IdP's client (AUTH_CLIENT_AUTH): the one ClientAuthentication
 * the OIDC client's Configuration is built with, and the JWKS route for private_key_jwt.
 */
@Module({
  imports: [oidcConfigSection.forFeature(), secretsConfigSection.forFeature(), ClockModule],
  controllers: [ClientJwksController],
  providers: [
    {
      provide: ClientAuthentication,
      inject: [OidcConfig, SecretsConfig, SecretsService, Clock],
      useFactory: (oidc: OidcConfig, secretsConfig: SecretsConfig, secrets: SecretsService, clock: Clock) =>
        createClientAuthentication(oidc, secretsConfig, secrets, clock),
    },
    ClientAuthDoctor,
  ],
  exports: [ClientAuthentication],
})
export class ClientAuthModule implements OnApplicationBootstrap {
  constructor(
    private readonly auth: ClientAuthentication,
    private readonly secrets: SecretsService,
  ) {}

  onApplicationBootstrap(): void {
    // Readiness reports each until it can be read (the client secret, or a local signing key).
    for (const { name, variable } of this.auth.requiredSecrets()) this.secrets.require(name, { variable });
  }
}
