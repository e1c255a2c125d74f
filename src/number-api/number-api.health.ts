import { Injectable } from '@nestjs/common';
import type { HealthIndicatorService } from '@nestjs/terminus';
import { Readiness, type ReadinessIndicator } from '../health/health-indicator.js';
import { NumberApi } from './number-api.js';

/** Readiness indicator `numberApi`: every code needs a number from it. */
@Injectable()
@Readiness()
export class NumberApiHealthIndicator implements ReadinessIndicator {
  constructor(private readonly numbers: NumberApi) {}

  check(indicators: HealthIndicatorService) {
    return indicators.check('numberApi').attempt(() => this.numbers.ping()).withTimeout(5000).cacheFor(10_000);
  }
}
