import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ClockModule } from '../common/clock.js';
import { runtimeConfigSection } from '../config/runtime.config.js';
import { authConfigSection } from './auth.config.js';
import { AuthController } from './auth.controller.js';
import { LoginService } from './login.service.js';
import { BearerModule } from './bearer/bearer.module.js';
import { DownstreamModule } from './downstream/downstream.module.js';
import { ForwardAuthController } from './forward-auth/forward-auth.controller.js';
import { forwardAuthConfigSection } from './forward-auth/forward-auth.config.js';
import { ForwardAuthService } from './forward-auth/forward-auth.service.js';
import { SecondFactorStatus, StoredSecondFactorStatus } from './forward-auth/second-factor-status.js';
import { AuthGuard } from './guard/auth.guard.js';
import { routePolicyConfigSection } from './guard/route-policy.js';
import { OidcModule } from './oidc/oidc.module.js';
import { SessionsModule } from './sessions/sessions.module.js';

/**
 * OIDC login (Keycloak, Entra ID, any issuer, the dev IdP), sessions, Bearer checks, the global
 * guard, forward auth for reverse proxies and calls to other services as the user, in rooms: oidc/
 * (the IdP as a client), sessions/, bearer/, guard/, forward-auth/, downstream/. With
 * AUTH_PROVIDER=none the guard lets everything through and nothing is contacted.
 */
@Module({
  imports: [
    authConfigSection.forFeature(),
    routePolicyConfigSection.forFeature(),
    forwardAuthConfigSection.forFeature(),
    runtimeConfigSection.forFeature(),
    ClockModule,
    OidcModule,
    SessionsModule,
    BearerModule,
    DownstreamModule,
  ],
  controllers: [AuthController, ForwardAuthController],
  providers: [
    LoginService,
    ForwardAuthService,
    { provide: SecondFactorStatus, useClass: StoredSecondFactorStatus },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [SessionsModule, DownstreamModule],
})
export class AuthModule {}
