import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Clock } from '../common/clock.js';

interface Window {
  count: number;
  resetAt: number;
  blockedUntil: number;
}

export interface ThrottlerStorageRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/**
 * Fixed-window counters for @nestjs/throttler: O(1) per request and per client. The package's
 * default in-memory storage keeps one timestamp per hit and filters the whole list on every
 * request (and spreads it into Math.min), which costs O(hits in window) per request — the
 * largest single CPU item in the getcode benchmark at realistic limits for a busy client.
 */
export class FixedWindowThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly clock: Clock,
    sweepEveryMs = 60_000,
  ) {
    this.sweeper = setInterval(() => this.sweep(), sweepEveryMs);
    this.sweeper.unref();
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const now = this.clock.now();
    const id = `${throttlerName}\u0000${key}`;
    let window = this.windows.get(id);
    if (!window || (now >= window.resetAt && now >= window.blockedUntil)) {
      window = { count: 0, resetAt: now + ttl, blockedUntil: 0 };
      this.windows.set(id, window);
    }
    const seconds = (until: number) => Math.max(1, Math.ceil((until - now) / 1000));
    if (window.blockedUntil > now) {
      return { totalHits: window.count, timeToExpire: seconds(window.resetAt), isBlocked: true, timeToBlockExpire: seconds(window.blockedUntil) };
    }
    window.count++;
    if (window.count > limit) {
      window.blockedUntil = now + (blockDuration > 0 ? blockDuration : window.resetAt - now);
      return { totalHits: window.count, timeToExpire: seconds(window.resetAt), isBlocked: true, timeToBlockExpire: seconds(window.blockedUntil) };
    }
    return { totalHits: window.count, timeToExpire: seconds(window.resetAt), isBlocked: false, timeToBlockExpire: 0 };
  }

  /** Number of clients currently tracked (for tests and diagnostics). */
  get size(): number {
    return this.windows.size;
  }

  sweep(): void {
    const now = this.clock.now();
    for (const [id, window] of this.windows) {
      if (now >= window.resetAt && now >= window.blockedUntil) this.windows.delete(id);
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }
}
