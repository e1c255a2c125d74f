import { Module } from '@nestjs/common';
import { LoggingModule } from '../../common/logging.module.js';
import { HttpErrorsModule } from '../../common/http-errors.module.js';
import { RateLimitModule } from '../../rate-limit/rate-limit.module.js';
import { SecretsModule } from '../../secrets/secrets.module.js';
import { ObservabilityModule } from '../../observability/observability.module.js';
import { HealthModule } from '../../health/health.module.js';
import { DoctorModule } from '../../doctor/doctor.module.js';
import { AuthModule } from '../../auth/auth.module.js';
import { CodesModule } from '../../codes/codes.module.js';
import { VerificationModule } from '../../verification/verification.module.js';
import { HomeModule } from '../../home/home.module.js';
import { TiniAppModule } from '../../tiniapp/tiniapp.module.js';
import { StepUpModule } from '../../auth/step-up/step-up.module.js';
import { ProductPageModule } from '../../product-page/product-page.module.js';

/** The API process: the modules it runs. The Tini App routes and the product page exist only when configured (otherwise they answer 404). */
@Module({
  imports: [
    LoggingModule.forRoot({ batch: true }),
    HttpErrorsModule,
    RateLimitModule,
    SecretsModule,
    ObservabilityModule,
    HealthModule,
    DoctorModule,
    AuthModule,
    CodesModule,
    VerificationModule,
    StepUpModule.withCodes(VerificationModule),
    HomeModule,
    TiniAppModule.whenConfigured(),
    ProductPageModule.whenConfigured(),
  ],
})
export class AppModule {}
