import type { Clock } from '../common/clock.js';
import type { CodeTableConfig } from '../code-table/code-table.config.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import type { AttemptBudget } from './attempt-budget.js';
import { RedisAttemptBudget } from './redis-attempt-budget.js';
import { TableAttemptBudget } from './table-attempt-budget.js';
import type { VerificationConfig } from './verification.config.js';

/** Builds only the store VERIFY_ATTEMPT_STORE names (no Redis client is used for `table`). */
export function createAttemptBudget(config: Pick<VerificationConfig, 'store'>, table: CodeTableConfig, redis: RedisConnection, clock: Clock): AttemptBudget {
  switch (config.store) {
    case 'table':
      return new TableAttemptBudget(table);
    case 'redis':
      return new RedisAttemptBudget(redis, clock);
  }
}
