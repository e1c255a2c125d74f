import { Injectable, Logger } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { type HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { MetricsToken } from '../observability/metrics-token.js';
import { ObservabilityConfig } from '../observability/observability.config.js';
import { type ReadinessIndicator, Readiness } from './health-indicator.js';
import { readinessReport, type StatusSink, statusOnly } from './health-report.js';

/**
 * Liveness and readiness, the same for every process (the API, the Tini App backend, the watcher's
 * operations port). Liveness says the process answers; readiness runs every readiness indicator
 * the process's modules provide (secrets loaded, queue, number API, code table, Redis when in
 * use), each cached briefly by its owner so a probe storm is not a load test on Key Vault,
 * Storage or the third party.
 *
 * Anonymous callers (probes, anyone on the internet) see only up/down per component: which secret
 * is missing and why is for operators, so it goes to the log (once per change) and into the body
 * only for a caller presenting the metrics scrape token (METRICS_AUTH=token).
 */
@Injectable()
export class HealthService {
  private readonly logger = new Logger('Health');
  private lastLoggedDetails = '';
  private indicatorList?: ReadinessIndicator[];

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly discovery: DiscoveryService,
    private readonly observability: ObservabilityConfig,
    private readonly metricsToken: MetricsToken,
  ) {}

  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** The readiness report (503 set on `res` when not ready): details for the metrics token only. */
  async ready(authorization: string | undefined, res: StatusSink): Promise<HealthCheckResult> {
    const report = await readinessReport(() => this.health.check(this.checks()), res);
    this.logChanges(report);
    return (await this.mayReadDetails(authorization)) ? report : statusOnly(report);
  }

  private checks() {
    this.indicatorList ??= this.discovery
      .getProviders({ metadataKey: Readiness.KEY })
      .map((wrapper) => wrapper.instance as ReadinessIndicator)
      .filter((indicator) => typeof indicator?.check === 'function');
    // An indicator with nothing to check in this process reports nothing (terminus takes `{}`).
    return this.indicatorList.map((indicator) => async () => (await indicator.check(this.indicators)) ?? {});
  }

  private async mayReadDetails(authorization: string | undefined): Promise<boolean> {
    if (this.observability.metricsAuth !== 'token' || !authorization) return false;
    return this.metricsToken.allows(authorization).catch(() => false);
  }

  private logChanges(report: HealthCheckResult): void {
    const details = JSON.stringify(report.error ?? {});
    if (details === this.lastLoggedDetails) return;
    this.lastLoggedDetails = details;
    if (report.status === 'ok') this.logger.log('Ready');
    else this.logger.warn(`Not ready: ${details}`);
  }
}
