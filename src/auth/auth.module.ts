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
import { SecondFactorStatus } from './forward-auth/second-factor-status.js';
import { StepUpSecondFactorStatus } from './step-up/step-up-second-factor-status.js';
import { AuthGuard } from './guard/auth.guard.js';
import { routePolicyConfigSection } from './guard/route-policy.js';
import { OidcModule } from './oidc/oidc.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { stepUpConfigSection } from './step-up/step-up.config.js';

/**
 * OIDC login (Keycloak, Entra ID, any issuer, the dev IdP), sessions, Bearer checks, the global
 * guard, forward auth for reverse proxies and calls to other services as the user, in rooms: oidc/
 * (the IdP as a client), sessions/, bearer/, guard/, forward-auth/, downstream/. With
 * AUTH_PROVIDER=none the guard lets everything through and nothing is contacted.
 */
@Module({
  // The guard enforces @RequireSecondFactor() on any route and forward auth answers
  // ?second_factor=1 by the same rule, so both read the step-up section; the step-up flow itself is
  // StepUpModule (it needs codes, which live above auth).
  imports: [
    authConfigSection.forFeature(),
    routePolicyConfigSection.forFeature(),
    forwardAuthConfigSection.forFeature(),
    runtimeConfigSection.forFeature(),
    stepUpConfigSection.forFeature(),
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
    { provide: SecondFactorStatus, useClass: StepUpSecondFactorStatus },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [SessionsModule, DownstreamModule],
})
export class AuthModule {}
