import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { ApiTags } from '@nestjs/swagger';
import { SecretsService } from '../secrets/secrets.service.js';
import { CodeQueue } from '../queue/code-queue.js';
import { NumberApi } from '../number-api/number-api.js';
import { CodeTable } from '../code-table/code-table.js';
import { RedisHealthIndicator } from '../redis/redis.health.js';

/**
 * Liveness says the process serves HTTP; readiness says it can issue and verify codes: required
 * secrets loaded, queue reachable, number API answering, code table reachable. Dependency checks are cached briefly so a probe
 * storm is not a load test on Key Vault, Storage or the third party.
 */
@ApiTags('health')
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly secrets: SecretsService,
    private readonly queue: CodeQueue,
    private readonly numbers: NumberApi,
    private readonly codeTable: CodeTable,
    private readonly redis: RedisHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** 200 or 503 with terminus' report as the body (operators need the per-dependency detail). */
  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) res: Response) {
    try {
      return await this.check();
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(503);
      return error.getResponse();
    }
  }

  private check() {
    return this.health.check([
      () => {
        const session = this.indicators.check('secrets');
        const missing = this.secrets.missing();
        return missing.length === 0
          ? session.up({ store: this.secrets.storeKind })
          : session.down({ store: this.secrets.storeKind, missing: missing.map((m) => m.name), reason: missing[0]!.reason });
      },
      () => this.indicators.check('queue').attempt(() => this.queue.ping()).withTimeout(3000).cacheFor(5000),
      () => this.indicators.check('numberApi').attempt(() => this.numbers.ping()).withTimeout(5000).cacheFor(10_000),
      // POST /api/v1/verifycode reads and consumes codes there.
      () => this.indicators.check('codeTable').attempt(() => this.codeTable.ping()).withTimeout(3000).cacheFor(5000),
      // Only when THROTTLE_STORE or AUTH_SESSION_STORE is redis; see RedisHealthIndicator for up/down.
      ...(this.redis.inUse ? [() => this.redis.check(this.indicators)] : []),
    ]);
  }
}
