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
import { stepUpConfigSection } from './step-up/step-up.config.js';
import { ClockModule } from '../common/clock.js';

/**
 * OIDC login (Keycloak, Entra ID, any issuer, the dev IdP), sessions, Bearer checks and the global
 * guard, in rooms: oidc/ (the IdP as a client), sessions/, bearer/, guard/. With AUTH_PROVIDER=none
 * the guard lets everything through and nothing is contacted.
 */
@Module({
  // The guard enforces @RequireSecondFactor() on any route, so it reads the step-up section; the
  // step-up flow itself is StepUpModule (it needs codes, which live above auth).
  imports: [authConfigSection.forFeature(), routePolicyConfigSection.forFeature(), stepUpConfigSection.forFeature(), ClockModule, OidcModule, SessionsModule, BearerModule],
  controllers: [AuthController],
  providers: [LoginService, DownstreamHttpClient, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [SessionsModule, DownstreamHttpClient],
})
export class AuthModule {}
