import { Injectable } from '@nestjs/common';
import type { HealthIndicatorService } from '@nestjs/terminus';
import { Readiness, type ReadinessIndicator } from '../health/health-indicator.js';
import { CodeTable } from './code-table.js';

/** Readiness indicator `codeTable`: getcode writes codes there and POST /api/v1/verifycode reads and consumes them. */
@Injectable()
@Readiness()
export class CodeTableHealthIndicator implements ReadinessIndicator {
  constructor(private readonly table: CodeTable) {}

  check(indicators: HealthIndicatorService) {
    return indicators.check('codeTable').attempt(() => this.table.ping()).withTimeout(3000).cacheFor(5000);
  }
}
