import type { Logger } from '@nestjs/common';
import type { Clock } from '../common/clock.js';
import { RateLimitedLog } from './rate-limited-log.js';

/**
 * Whether a capability that keeps shared state in Redis is serving from its in-process fallback
 * (rate limits, attempt budgets), and the lines that say so: one when an outage starts (repeated
 * at most every `logEveryMs`, with a count, never per request) and one when it is shared again.
 */
export class RedisFallback {
  private readonly outageLog: RateLimitedLog;
  private degraded = false;

  /** `what` names the shared state ("rate limits"); `fallback` says what happens meanwhile. */
  constructor(
    private readonly logger: Pick<Logger, 'warn' | 'log'>,
    clock: Clock,
    private readonly what: string,
    private readonly fallback: string,
    logEveryMs = 30_000,
  ) {
    this.outageLog = new RateLimitedLog((m) => this.logger.warn(m), clock, logEveryMs);
  }

  /** True while serving from this replica's own state. */
  get isDegraded(): boolean {
    return this.degraded;
  }

  /** Redis could not answer this call: the caller serves it from the fallback. */
  unavailable(reason: string): void {
    this.degraded = true;
    this.outageLog.note(`Redis unreachable for ${this.what} (${reason}): ${this.fallback}`);
  }

  /** Redis answered: shared again (said once, after an outage). */
  answered(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.outageLog.reset();
    this.logger.log(`Redis reachable again: ${this.what} are shared by all replicas again`);
  }
}
