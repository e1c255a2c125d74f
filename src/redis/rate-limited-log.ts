import type { Clock } from '../common/clock.js';

/**
 * One log line per incident instead of one per request: the first occurrence is logged at once,
 * repeats within `everyMs` are counted and reported with the next line.
 */
export class RateLimitedLog {
  private lastAt = -Infinity;
  private suppressed = 0;

  constructor(
    private readonly write: (message: string) => void,
    private readonly clock: Clock,
    private readonly everyMs = 30_000,
  ) {}

  /** Logs `message` unless a line was written less than `everyMs` ago; returns whether it logged. */
  note(message: string): boolean {
    const now = this.clock.now();
    if (now - this.lastAt < this.everyMs) {
      this.suppressed++;
      return false;
    }
    const repeats = this.suppressed ? ` (${this.suppressed} more since the last line)` : '';
    this.suppressed = 0;
    this.lastAt = now;
    this.write(message + repeats);
    return true;
  }

  /** Forgets the incident, so the next one is logged at once. */
  reset(): void {
    this.lastAt = -Infinity;
    this.suppressed = 0;
  }
}
