import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { RedisConnection } from '../redis/redis-connection.js';
import { RedisFallback } from '../redis/redis-fallback.js';
import { FixedWindowThrottlerStorage, type ThrottlerStorageRecord } from './fixed-window.storage.js';
import type { Clock } from '../common/clock.js';

/**
 * Rate-limit counters shared by every replica, in Redis (@nest-lab/throttler-storage-redis' Lua
 * script on our one ioredis connection), failing OPEN to in-process fixed-window counters while
 * Redis is unreachable: each replica then enforces the limit on its own (at most N× the limit
 * across N replicas, as with THROTTLE_STORE=memory), which keeps a bound rather than none and
 * keeps the API serving. Failing closed would make Redis a hard dependency of every route,
 * getcode included, for a protection that a per-replica bound still mostly gives.
 *
 * Wrapped rather than used directly because the package's storage throws when Redis is down
 * (ThrottlerGuard would turn that into a 500 on every request), and to prefix its keys.
 * While the connection is not ready, Redis is not tried at all (no per-request wait).
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('Throttler');
  private shared?: ThrottlerStorageRedisService;
  private readonly state: RedisFallback;

  constructor(
    private readonly connection: RedisConnection,
    clock: Clock,
    private readonly fallback: FixedWindowThrottlerStorage = new FixedWindowThrottlerStorage(clock),
    logEveryMs = 30_000,
  ) {
    this.state = new RedisFallback(this.logger, clock, 'rate limits', 'failing open to in-process limits on this replica', logEveryMs);
  }

  /** True while counting in-process because Redis is unreachable. */
  get isDegraded(): boolean {
    return this.state.isDegraded;
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    if (this.connection.isReady) {
      try {
        // Built on first use: the connection opens after the providers are constructed.
        this.shared ??= new ThrottlerStorageRedisService(this.connection.client);
        const shared = this.shared;
        // Through the connection's breaker: a hung Redis costs a few timeouts, then nothing.
        const record = await this.connection.command(() => shared.increment(this.connection.key(`throttle:${key}`), ttl, limit, blockDuration, throttlerName));
        this.state.answered();
        return record;
      } catch (error) {
        return this.fallBack(key, ttl, limit, blockDuration, throttlerName, (error as Error).message);
      }
    }
    return this.fallBack(key, ttl, limit, blockDuration, throttlerName, 'not connected');
  }

  private fallBack(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string, reason: string): Promise<ThrottlerStorageRecord> {
    this.state.unavailable(reason);
    return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  onApplicationShutdown(): void {
    this.fallback.onApplicationShutdown();
  }
}
