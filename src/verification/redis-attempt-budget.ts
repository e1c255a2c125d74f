import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Clock } from '../common/clock.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import { RedisFallback } from '../redis/redis-fallback.js';
import { AttemptBudget, type Reservation } from './attempt-budget.js';
import { MemoryAttemptBudget } from './memory-attempt-budget.js';

/**
 * Takes one attempt of KEYS[1] (ARGV: limit, window in ms): refused once the count has reached the
 * limit; the first attempt of a window sets its expiry. Returns {granted 1|0, count, ms left}.
 */
const RESERVE = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= tonumber(ARGV[1]) then return {0, count, redis.call('PTTL', KEYS[1])} end
count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, count, redis.call('PTTL', KEYS[1])}
`;

/** Gives one attempt back, never below zero; the window's expiry is kept. */
const RELEASE = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end
return 1
`;

interface BudgetCommands {
  iasBudgetReserve(key: string, limit: string, windowMs: string): Promise<[number, number, number]>;
  iasBudgetRelease(key: string): Promise<number>;
}

/**
 * Attempt budgets in Redis (VERIFY_ATTEMPT_STORE=redis): one counter per key, changed only by Lua
 * scripts, so a reservation is one atomic step on any number of replicas; Redis expires each key
 * at the end of its window (every key has a lifetime).
 *
 * While Redis cannot answer (down, or the connection's breaker open after timeouts) each replica
 * counts in its own memory, so verifies keep working and the budget still holds per replica (at
 * most N times it across N replicas); logged once per outage.
 */
export class RedisAttemptBudget extends AttemptBudget {
  private readonly logger = new Logger('AttemptBudget');
  private readonly state: RedisFallback;
  private defined?: Redis & BudgetCommands;

  constructor(
    private readonly connection: RedisConnection,
    clock: Clock,
    private readonly fallback: MemoryAttemptBudget = new MemoryAttemptBudget(),
  ) {
    super();
    this.state = new RedisFallback(this.logger, clock, 'attempt budgets', 'counting in this replica until it answers');
  }

  /** True while counting in this process because Redis cannot answer. */
  get isDegraded(): boolean {
    return this.state.isDegraded;
  }

  async reserve(key: string, limit: number, windowMs: number, now: Date): Promise<Reservation> {
    const shared = await this.onRedis((r) => r.iasBudgetReserve(this.keyOf(key), String(limit), String(Math.max(1, Math.ceil(windowMs)))));
    if (!shared) return this.fallback.reserve(key, limit, windowMs, now);
    const [granted, count, ttlMs] = shared;
    const windowEndsAt = new Date(now.getTime() + Math.max(0, ttlMs));
    return granted === 1 ? { granted: true, taken: count, windowEndsAt } : { granted: false, windowEndsAt };
  }

  async release(key: string, now: Date): Promise<void> {
    if (!(await this.onRedis((r) => r.iasBudgetRelease(this.keyOf(key))))) await this.fallback.release(key, now);
  }

  /** The script's answer, or undefined when Redis cannot answer now (the caller falls back). */
  private async onRedis<T>(run: (redis: Redis & BudgetCommands) => Promise<T>): Promise<T | undefined> {
    if (!this.connection.isReady) return this.unavailable('not connected');
    try {
      const answer = await this.connection.command(() => run(this.commands()));
      this.state.answered();
      return answer;
    } catch (error) {
      return this.unavailable((error as Error).message);
    }
  }

  private unavailable(reason: string): undefined {
    this.state.unavailable(reason);
    return undefined;
  }

  /** Hashed: keys carry issuers, subjects and codes, which stay out of Redis key names. */
  private keyOf(key: string): string {
    return this.connection.key(`budget:${createHash('sha256').update(key).digest('base64url')}`);
  }

  private commands(): Redis & BudgetCommands {
    if (!this.defined) {
      const redis = this.connection.client;
      redis.defineCommand('iasBudgetReserve', { numberOfKeys: 1, lua: RESERVE });
      redis.defineCommand('iasBudgetRelease', { numberOfKeys: 1, lua: RELEASE });
      this.defined = redis as Redis & BudgetCommands;
    }
    return this.defined;
  }
}
