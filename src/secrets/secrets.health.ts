import type { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { SecretsService } from './secrets.service.js';

/** Terminus indicator `secrets`: up once every required secret is loaded, else down with which and why. */
export function secretsHealth(indicators: HealthIndicatorService, secrets: SecretsService): HealthIndicatorResult {
  const session = indicators.check('secrets');
  const missing = secrets.missing();
  return missing.length === 0
    ? session.up({ store: secrets.storeKind })
    : session.down({ store: secrets.storeKind, missing: missing.map((m) => m.name), reason: missing[0]!.reason });
}
