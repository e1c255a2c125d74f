import { Controller, Get, HttpCode, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { ObservabilityConfig } from './observability.config.js';
import { MetricsDisabledError, MetricsUnauthorizedError } from './observability.errors.js';
import { TELEMETRY } from './observability.constants.js';
import { MetricsToken } from './metrics-token.js';
import type { Telemetry } from './telemetry.js';

/**
 * Prometheus scrape endpoint. Off → 404, as if it did not exist. With METRICS_AUTH=token a scraper
 * sends `Authorization: Bearer <token>`, the token living in the secret store like every other
 * secret (Key Vault in Azure).
 */
@ApiExcludeController()
@SkipThrottle()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly config: ObservabilityConfig,
    private readonly token: MetricsToken,
    @Inject(TELEMETRY) private readonly telemetry: Telemetry,
  ) {}

  @Get()
  @HttpCode(200)
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.config.metricsEnabled) throw new MetricsDisabledError();
    if (this.config.metricsAuth === 'token' && !(await this.token.allows(req.headers.authorization))) throw new MetricsUnauthorizedError();
    this.telemetry.serveMetrics(req, res);
  }
}
