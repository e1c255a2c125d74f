import { Controller, Get, Logger, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { HealthCheckResult } from '@nestjs/terminus';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { ApiTags } from '@nestjs/swagger';
import { SecretsService } from '../secrets/secrets.service.js';
import { secretsHealth } from '../secrets/secrets.health.js';
import { CodeQueue } from '../queue/code-queue.js';
import { NumberApi } from '../number-api/number-api.js';
import { CodeTable } from '../code-table/code-table.js';
import { ObservabilityConfig } from '../observability/observability.config.js';
import { bearerMatches } from '../observability/metrics.controller.js';
import { RedisHealthIndicator } from '../redis/redis.health.js';
import { readinessReport, statusOnly } from './health-report.js';

/**
 * Liveness says the process serves HTTP; readiness says it can issue and verify codes: required
 * secrets loaded, queue reachable, number API answering, code table reachable. Dependency checks are cached briefly so a probe
 * storm is not a load test on Key Vault, Storage or the third party.
 *
 * Anonymous callers (probes, anyone on the internet) see only up/down per component: which secret
 * is missing and why is for operators, so it goes to the log (once per change) and into the body
 * only for a caller presenting the metrics scrape token (METRICS_AUTH=token).
 */
@ApiTags('health')
@SkipThrottle()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);
  private lastLoggedDetails = '';

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly secrets: SecretsService,
    private readonly queue: CodeQueue,
    private readonly numbers: NumberApi,
    private readonly codeTable: CodeTable,
    private readonly observability: ObservabilityConfig,
    private readonly redis: RedisHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** 200 or 503 with terminus' report: per-component status, details only for the metrics token. */
  @Get('ready')
  @HealthCheck()
  async ready(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const report = await readinessReport(() => this.check(), res);
    this.logChanges(report);
    return (await this.mayReadDetails(req)) ? report : statusOnly(report);
  }

  private async mayReadDetails(req: Request): Promise<boolean> {
    if (this.observability.metricsAuth !== 'token' || !req.headers.authorization) return false;
    const expected = await this.secrets.get(this.observability.metricsTokenSecretName).catch(() => undefined);
    return expected !== undefined && bearerMatches(req.headers.authorization, expected);
  }

  private logChanges(report: HealthCheckResult): void {
    const details = JSON.stringify(report.error ?? {});
    if (details === this.lastLoggedDetails) return;
    this.lastLoggedDetails = details;
    if (report.status === 'ok') this.logger.log('Ready');
    else this.logger.warn(`Not ready: ${details}`);
  }

  private check() {
    return this.health.check([
      () => secretsHealth(this.indicators, this.secrets),
      () => this.indicators.check('queue').attempt(() => this.queue.ping()).withTimeout(3000).cacheFor(5000),
      () => this.indicators.check('numberApi').attempt(() => this.numbers.ping()).withTimeout(5000).cacheFor(10_000),
      // POST /api/v1/verifycode reads and consumes codes there.
      () => this.indicators.check('codeTable').attempt(() => this.codeTable.ping()).withTimeout(3000).cacheFor(5000),
      // Only when THROTTLE_STORE or AUTH_SESSION_STORE is redis; see RedisHealthIndicator for up/down.
      ...(this.redis.inUse ? [() => this.redis.check(this.indicators)] : []),
    ]);
  }
}
