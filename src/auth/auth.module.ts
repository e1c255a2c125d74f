import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { authConfigSection } from './auth.config.js';
import { AuthController } from './auth.controller.js';
import { DownstreamHttpClient } from './downstream-http.client.js';
import { LoginService } from './login.service.js';
import { BearerModule } from './bearer/bearer.module.js';
import { AuthGuard } from './guard/auth.guard.js';
import { routePolicyConfigSection } from './guard/route-policy.js';
import { OidcModule } from './oidc/oidc.module.js';
import { SessionsModule } from './sessions/sessions.module.js';

/**
 * OIDC login (Keycloak, Entra ID, any issuer, the dev IdP), sessions, Bearer checks and the global
 * guard, in rooms: oidc/ (the IdP as a client), sessions/, bearer/, guard/. With AUTH_PROVIDER=none
 * the guard lets everything through and nothing is contacted.
 */
@Module({
  imports: [authConfigSection.forFeature(), routePolicyConfigSection.forFeature(), OidcModule, SessionsModule, BearerModule],
  controllers: [AuthController],
  providers: [LoginService, DownstreamHttpClient, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [SessionsModule, DownstreamHttpClient],
})
export class AuthModule {}
