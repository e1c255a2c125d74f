import { Injectable } from '@nestjs/common';
import type { HealthIndicatorService } from '@nestjs/terminus';
import { Readiness, type ReadinessIndicator } from '../health/health-indicator.js';
import { SecretsService } from './secrets.service.js';

/** Readiness indicator `secrets`: up once every required secret is loaded, else down with which and why. */
@Injectable()
@Readiness()
export class SecretsHealthIndicator implements ReadinessIndicator {
  constructor(private readonly secrets: SecretsService) {}

  check(indicators: HealthIndicatorService) {
    const session = indicators.check('secrets');
    const missing = this.secrets.missing();
    return missing.length === 0
      ? session.up({ store: this.secrets.storeKind })
      : session.down({ store: this.secrets.storeKind, missing: missing.map((m) => m.name), reason: missing[0]!.reason });
  }
}
