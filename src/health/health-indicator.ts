import { DiscoveryService } from '@nestjs/core';
import type { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';

/**
 * What a capability tells readiness about a dependency it owns (terminus-style, in
 * `<capability>.health.ts`): `indicators.check(key).attempt(…).withTimeout(…)`, or `up`/`down`.
 * Undefined when the dependency is not in use in this process (Redis when nothing uses it).
 */
export interface ReadinessIndicator {
  check(indicators: HealthIndicatorService): PromiseLike<HealthIndicatorResult | undefined> | HealthIndicatorResult | undefined;
}

/**
 * Marks a provider as a readiness indicator: the health service finds every one the process's
 * modules provide, so health imports no capability and a capability adds its check where it lives.
 */
export const Readiness = DiscoveryService.createDecorator();
