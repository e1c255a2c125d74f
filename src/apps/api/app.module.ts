import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AppConfigModule } from '../../config/config.module.js';
import type { LoadedConfig } from '../../config/load-config.js';
import { LoggingModule } from '../../common/logging.module.js';
import { AppExceptionFilter } from '../../common/app-exception.filter.js';
import { RedisModule } from '../../redis/redis.module.js';
import { RateLimitModule } from '../../rate-limit/rate-limit.module.js';
import { SecretsModule } from '../../secrets/secrets.module.js';
import { CodesModule } from '../../codes/codes.module.js';
import { HealthModule } from '../../health/health.module.js';
import { HomeModule } from '../../home/home.module.js';
import { AuthModule } from '../../auth/auth.module.js';
import { VerificationModule } from '../../verification/verification.module.js';
import { TiniAppModule } from '../../tiniapp/tiniapp.module.js';
import { ObservabilityModule } from '../../observability/observability.module.js';
import { metricsTokenFromSecrets } from '../../secrets/metrics-token.provider.js';

/** The API's root module, built from an already validated configuration. */
@Module({})
export class AppModule {
  static forRoot(config: LoadedConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggingModule.forRoot({ batch: true }),
        RedisModule,
        RateLimitModule,
        SecretsModule,
        CodesModule,
        HealthModule,
        AuthModule,
        HomeModule,
        ObservabilityModule.forRoot({ metricsToken: metricsTokenFromSecrets }),
        VerificationModule,
        // Routes exist only when configured; otherwise /auth_* answer 404.
        ...TiniAppModule.whenEnabled(config),
      ],
      providers: [{ provide: APP_FILTER, useClass: AppExceptionFilter }],
    };
  }
}
