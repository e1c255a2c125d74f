import { type DynamicModule, Controller, Get, Module, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { APP_FILTER } from '@nestjs/core';
import { SkipThrottle } from '@nestjs/throttler';
import { ApiTags } from '@nestjs/swagger';
import { AppConfigModule } from '../../config/config.module.js';
import type { LoadedConfig } from '../../config/load-config.js';
import { LoggingModule } from '../../common/logging.module.js';
import { AppExceptionFilter } from '../../common/app-exception.filter.js';
import { SecretsModule } from '../../secrets/secrets.module.js';
import { SecretsService } from '../../secrets/secrets.service.js';
import { secretsHealth } from '../../secrets/secrets.health.js';
import { readinessReport, statusOnly } from '../../health/health-report.js';
import { TiniAppModule } from '../../tiniapp/tiniapp.module.js';
import { RedisModule } from '../../redis/redis.module.js';
import { RateLimitModule } from '../../rate-limit/rate-limit.module.js';

/** Liveness and readiness for the standalone backend, through terminus like the API: ready once the client secret is loaded. */
@ApiTags('health')
@SkipThrottle()
@Controller('health')
export class TiniAppBackendHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly secrets: SecretsService,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** 200 or 503 with terminus' report reduced to status per component, as the API's readiness for anonymous callers (which secret is missing goes to the log). */
  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) res: Response) {
    return statusOnly(await readinessReport(() => this.health.check([() => secretsHealth(this.indicators, this.secrets)]), res));
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
        LoggingModule.forRoot({ batch: true }),
        RedisModule,
        RateLimitModule,
        SecretsModule,
        TerminusModule.forRoot({ logger: false }),
        TiniAppModule,
      ],
      controllers: [TiniAppBackendHealthController],
      providers: [{ provide: APP_FILTER, useClass: AppExceptionFilter }],
    };
  }
}
