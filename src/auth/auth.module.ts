import { Global, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthConfig, authConfigSection } from './auth.config.js';
import { RedisModule } from '../redis/redis.module.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { BearerTokenValidator } from './bearer-token.validator.js';
import { DownstreamHttpClient } from './downstream-http.client.js';
import { OidcClient } from './oidc-client.js';
import { RoleMapper, createRoleMapper } from './role-mapper.js';
import { SessionStore } from './session-store.js';
import { createSessionStore } from './session-store.factory.js';
import { SessionsService } from './sessions.service.js';
import { SecretsService } from '../secrets/secrets.service.js';
import { RedisConnection } from '../redis/redis-connection.js';

/**
 * OIDC login (Keycloak, Entra ID, any issuer, the dev IdP), sessions, Bearer checks and the global
 * guard. With AUTH_PROVIDER=none the guard lets everything through and nothing is contacted.
 */
@Global()
@Module({
  imports: [authConfigSection.forFeature(), RedisModule],
  controllers: [AuthController],
  providers: [
    { provide: RoleMapper, inject: [AuthConfig], useFactory: createRoleMapper },
    { provide: SessionStore, inject: [AuthConfig, RedisConnection], useFactory: createSessionStore },
    OidcClient,
    SessionsService,
    BearerTokenValidator,
    DownstreamHttpClient,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [SessionsService, DownstreamHttpClient, OidcClient],
})
export class AuthModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly config: AuthConfig,
    private readonly secrets: SecretsService,
    private readonly store: SessionStore,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.enabled) return;
    // Readiness reports these until they can be read (Key Vault or SECRET_* variables).
    // In production a short session secret is refused at first read: readiness stays down and
    // logins fail with SECRET_UNUSABLE until the store holds a strong one.
    this.secrets.require(this.config.sessionSecretName, this.config.production ? sessionSecretProblem : undefined);
    if (this.config.clientSecretName) this.secrets.require(this.config.clientSecretName);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** The cookie keys are derived from the session secret: fewer than 32 bytes is guessable material. */
export function sessionSecretProblem(value: string): string | undefined {
  const bytes = Buffer.byteLength(value, 'utf8');
  return bytes < 32 ? `shorter than 32 bytes (${bytes}), refused when NODE_ENV=production` : undefined;
}
