import { Injectable } from '@nestjs/common';
import type { HealthIndicatorService } from '@nestjs/terminus';
import { Readiness, type ReadinessIndicator } from '../health/health-indicator.js';
import { CodeQueue } from './code-queue.js';

/** Readiness indicator `queue`: getcode sends every code there. */
@Injectable()
@Readiness()
export class QueueHealthIndicator implements ReadinessIndicator {
  constructor(private readonly queue: CodeQueue) {}

  check(indicators: HealthIndicatorService) {
    return indicators.check('queue').attempt(() => this.queue.ping()).withTimeout(3000).cacheFor(5000);
  }
}
