import { Injectable } from '@nestjs/common';
import type { HealthIndicatorService } from '@nestjs/terminus';
import { Readiness, type ReadinessIndicator } from '../health/health-indicator.js';
import { CodeDelivery } from './code-delivery.js';

const PING_TIMEOUT_MS = 5000;

/**
 * Readiness indicator `delivery`: whether the channel takes messages (the SMTP server answers and
 * accepts the connection; the identity gets an ACS token). Nothing for `response`. An outage is
 * reported as up with `reachable: false`, as Redis is when only the throttler uses it: only
 * step-up sends fail then, and taking every replica out of the load balancer for that would turn
 * a degraded second factor into an outage of the whole API. The change is logged by the health service.
 */
@Injectable()
@Readiness()
export class DeliveryHealthIndicator implements ReadinessIndicator {
  private cached?: { at: number; reachable: boolean; reason?: string };

  constructor(private readonly delivery: CodeDelivery) {}

  async check(indicators: HealthIndicatorService) {
    if (this.delivery.reaches === undefined) return undefined;
    const indicator = indicators.check('delivery');
    if (!this.cached || Date.now() - this.cached.at > 10_000) {
      try {
        await this.delivery.ping(AbortSignal.timeout(PING_TIMEOUT_MS));
        this.cached = { at: Date.now(), reachable: true };
      } catch (error) {
        this.cached = { at: Date.now(), reachable: false, reason: (error as { code?: string; name?: string }).code ?? (error as Error).name ?? 'Error' };
      }
    }
    const { reachable, reason } = this.cached;
    return indicator.up({ channel: this.delivery.channel, reachable, ...(reason ? { reason } : {}) });
  }
}
