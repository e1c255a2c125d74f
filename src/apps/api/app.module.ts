import { Module } from '@nestjs/common';
import { LoggingModule } from '../../common/logging.module.js';
import { HttpErrorsModule } from '../../common/http-errors.module.js';
import { RateLimitModule } from '../../rate-limit/rate-limit.module.js';
import { SecretsModule } from '../../secrets/secrets.module.js';
import { ObservabilityModule } from '../../observability/observability.module.js';
import { HealthModule } from '../../health/health.module.js';
import { AuthModule } from '../../auth/auth.module.js';
import { CodesModule } from '../../codes/codes.module.js';
import { VerificationModule } from '../../verification/verification.module.js';
import { HomeModule } from '../../home/home.module.js';
import { TiniAppModule } from '../../tiniapp/tiniapp.module.js';
import { StepUpModule } from '../../auth/step-up/step-up.module.js';

/** The API process: the modules it runs. The Tini App routes exist only when configured (otherwise /auth_* answer 404). */
@Module({
  imports: [
    LoggingModule.forRoot({ batch: true }),
    HttpErrorsModule,
    RateLimitModule,
    SecretsModule,
    ObservabilityModule,
    HealthModule,
    AuthModule,
    CodesModule,
    VerificationModule,
    StepUpModule.withCodes(VerificationModule),
    HomeModule,
    TiniAppModule.whenConfigured(),
  ],
})
export class AppModule {}
