import { Injectable } from '@nestjs/common';
import type { HealthIndicatorService } from '@nestjs/terminus';
import { Readiness, type ReadinessIndicator } from '../health/health-indicator.js';
import { RedisConnection } from './redis-connection.js';

/**
 * Readiness indicator `redis`. Down only when something cannot work without it (sessions in Redis);
 * when only the throttler uses it, an outage is reported as up with `fallback`, because the
 * throttler then counts in-process and the API still serves: taking every replica out of the
 * load balancer for that would turn a degraded limit into an outage.
 */
@Injectable()
@Readiness()
export class RedisHealthIndicator implements ReadinessIndicator {
  constructor(private readonly connection: RedisConnection) {}

  /** Nothing when no capability of this process uses Redis. */
  async check(indicators: HealthIndicatorService) {
    if (!this.connection.inUse) return undefined;
    const indicator = indicators.check('redis');
    const usedBy = this.connection.config.usedBy.join(', ');
    try {
      await this.connection.ping();
      return indicator.up({ usedBy });
    } catch (error) {
      const reason = (error as Error).message;
      if (this.connection.config.requiredForReadiness) return indicator.down({ usedBy, reason });
      return indicator.up({ usedBy, reachable: false, fallback: 'in-process rate limits', reason });
    }
  }
}
