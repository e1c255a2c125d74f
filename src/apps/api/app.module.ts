import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { AppConfigModule } from '../../config/config.module.js';
import type { LoadedConfig } from '../../config/load-config.js';
import { HttpConfig } from '../../config/http.config.js';
import { Clock, ClockModule } from '../../common/clock.js';
import { LoggingModule } from '../../common/logging.module.js';
import { AppExceptionFilter } from '../../common/app-exception.filter.js';
import { createThrottlerStorage } from '../../common/throttler-storage.factory.js';
import { ThrottleConfig } from '../../common/throttler.config.js';
import { RedisModule } from '../../redis/redis.module.js';
import { RedisConnection } from '../../redis/redis-connection.js';
import { SecretsModule } from '../../secrets/secrets.module.js';
import { CodesModule } from '../../codes/codes.module.js';
import { HealthModule } from '../../health/health.module.js';
import { HomeModule } from '../../home/home.module.js';
import { AuthModule } from '../../auth/auth.module.js';
import { VerificationModule } from '../../verification/verification.module.js';
import { VerificationConfig } from '../../verification/verification.config.js';
import { verifyThrottler } from '../../verification/verification.throttler.js';
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
        ClockModule,
        LoggingModule.forRoot({ batch: true }),
        RedisModule,
        ThrottlerModule.forRootAsync({
          inject: [HttpConfig, VerificationConfig, ThrottleConfig, RedisConnection, Clock],
          useFactory: (http: HttpConfig, verification: VerificationConfig, throttle: ThrottleConfig, redis: RedisConnection, clock: Clock) => ({
            throttlers: [{ limit: http.throttleLimit, ttl: http.throttleTtlMs }, verifyThrottler(verification)],
            // THROTTLE_STORE: per process (memory) or shared by all replicas (redis, fail-open).
            storage: createThrottlerStorage(throttle, redis, clock),
          }),
        }),
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
      providers: [
        { provide: APP_GUARD, useClass: ThrottlerGuard },
        { provide: APP_FILTER, useClass: AppExceptionFilter },
      ],
    };
  }
}
