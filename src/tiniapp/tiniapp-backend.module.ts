import { type DynamicModule, Controller, Get, Module, ServiceUnavailableException } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { SkipThrottle, ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { ApiTags } from '@nestjs/swagger';
import type { ConfigSection } from '../config/config-section.js';
import { AppConfigModule } from '../config/config.module.js';
import type { LoadedConfig } from '../config/load-config.js';
import { HttpConfig, httpConfigSection } from '../config/http.config.js';
import { LoggingModule } from '../common/logging.module.js';
import { AppExceptionFilter } from '../common/app-exception.filter.js';
import { secretsConfigSection } from '../secrets/secrets.config.js';
import { SecretsModule } from '../secrets/secrets.module.js';
import { SecretsService } from '../secrets/secrets.service.js';
import { tiniAppConfigSection } from './tiniapp.config.js';
import { ThrottleConfig, throttleConfigSection } from '../common/throttler.config.js';
import { createThrottlerStorage } from '../common/throttler-storage.factory.js';
import { redisConfigSection } from '../redis/redis.config.js';
import { RedisConnection } from '../redis/redis-connection.js';
import { RedisModule } from '../redis/redis.module.js';
import { TiniAppModule } from './tiniapp.module.js';

/**
 * The configuration of the Tini App backend on its own (`node dist/tiniapp-backend.js`): what seed
 * 004 deploys to Cloud Run, which has no number API or Azure queue to configure.
 */
export const TINIAPP_BACKEND_CONFIG_SECTIONS: ReadonlyArray<ConfigSection<object>> = [
  httpConfigSection,
  secretsConfigSection,
  tiniAppConfigSection,
  // THROTTLE_STORE=memory (default) or redis with REDIS_URL, as the API.
  throttleConfigSection,
  redisConfigSection,
];

/** Liveness and readiness for the standalone backend: ready once the client secret is loaded. */
@ApiTags('health')
@SkipThrottle()
@Controller('health')
export class TiniAppBackendHealthController {
  constructor(private readonly secrets: SecretsService) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  ready() {
    const missing = this.secrets.missing();
    if (missing.length) throw new ServiceUnavailableException(`Waiting for secret(s): ${missing.map((m) => m.name).join(', ')}`);
    return { status: 'ok' };
  }
}

/** Root module of the standalone Tini App backend: the same Tini App module, logging, secrets and error filter as the API. */
@Module({})
export class TiniAppBackendModule {
  static forRoot(config: LoadedConfig): DynamicModule {
    return {
      module: TiniAppBackendModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggingModule,
        RedisModule,
        ThrottlerModule.forRootAsync({
          inject: [HttpConfig, ThrottleConfig, RedisConnection],
          useFactory: (http: HttpConfig, throttle: ThrottleConfig, redis: RedisConnection) => ({
            throttlers: [{ limit: http.throttleLimit, ttl: http.throttleTtlMs }],
            storage: createThrottlerStorage(throttle, redis),
          }),
        }),
        SecretsModule,
        TiniAppModule,
      ],
      controllers: [TiniAppBackendHealthController],
      providers: [
        { provide: APP_GUARD, useClass: ThrottlerGuard },
        { provide: APP_FILTER, useClass: AppExceptionFilter },
      ],
    };
  }
}
