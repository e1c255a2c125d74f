import { type DynamicModule, Controller, Get, Module, ServiceUnavailableException } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { SkipThrottle, ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { ApiTags } from '@nestjs/swagger';
import { AppConfigModule } from '../../config/config.module.js';
import type { LoadedConfig } from '../../config/load-config.js';
import { HttpConfig } from '../../config/http.config.js';
import { LoggingModule } from '../../common/logging.module.js';
import { AppExceptionFilter } from '../../common/app-exception.filter.js';
import { SecretsModule } from '../../secrets/secrets.module.js';
import { SecretsService } from '../../secrets/secrets.service.js';
import { TiniAppModule } from '../../tiniapp/tiniapp.module.js';

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

  /** Which secret is missing goes to the log (SecretsService logs each failed read), not to anonymous callers. */
  @Get('ready')
  ready() {
    if (this.secrets.missing().length) throw new ServiceUnavailableException('Not ready');
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
        ThrottlerModule.forRootAsync({
          inject: [HttpConfig],
          useFactory: (http: HttpConfig) => [{ limit: http.throttleLimit, ttl: http.throttleTtlMs }],
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
