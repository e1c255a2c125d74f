import { z } from 'zod';
import { defineConfigSection, envInt } from '../config/config-section.js';
import { codesConfigSection } from '../codes/codes.config.js';
import { queueConfigSection } from '../queue/queue.config.js';

/** How the queue watcher consumes `code-requests` (and how long a code lives, CODE_TTL_SECONDS of the codes section). */
export class WatcherConfig {
  /** Seconds a code stays valid after getcode issued it. */
  readonly codeTtlSeconds!: number;
  /** Deliveries after which a failing message is moved to the poison queue (Azure Functions: 5). */
  readonly maxDequeueCount!: number;
  readonly poisonQueueName!: string;
  /** Messages per receive (Azure Storage allows at most 32). */
  readonly batchSize!: number;
  /** Messages processed at the same time; a new batch is received once a whole batch fits. */
  readonly concurrency!: number;
  /** Visibility timeout of a received message; renewed at half-time while it is still being processed. */
  readonly visibilityTimeoutSeconds!: number;
  /** Back-off when the queue is empty or failing: randomized, doubling from min up to max. */
  readonly pollMinMs!: number;
  readonly pollMaxMs!: number;
  /** A failed message reappears after base × 2^(deliveries-1) seconds (0: at once, like Functions). */
  readonly retryBaseSeconds!: number;
  /** Bodies larger than this are malformed (queue messages can be 64 KiB; codes are tiny). */
  readonly maxMessageBytes!: number;
  /** An issuance timestamp further than this ahead of our clock is rejected (it would outlive the TTL). */
  readonly maxClockSkewSeconds!: number;
}

export const watcherConfigSection = defineConfigSection(
  'watcher',
  WatcherConfig,
  z
    .object({
      MAX_DEQUEUE_COUNT: envInt(5, 1, 100),
      POISON_QUEUE_NAME: z.string().regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, 'must be a valid queue name').optional(),
      WATCHER_BATCH_SIZE: envInt(16, 1, 32),
      WATCHER_CONCURRENCY: envInt(32, 1, 256),
      WATCHER_VISIBILITY_TIMEOUT_SECONDS: envInt(60, 2, 7 * 24 * 3600),
      WATCHER_POLL_MIN_MS: envInt(100, 1, 600_000),
      WATCHER_POLL_MAX_MS: envInt(60_000, 1, 3_600_000),
      WATCHER_RETRY_BASE_SECONDS: envInt(2, 0, 3600),
      WATCHER_MAX_MESSAGE_BYTES: envInt(8192, 64, 65_536),
      WATCHER_MAX_CLOCK_SKEW_SECONDS: envInt(300, 0, 86_400),
    })
    .superRefine((v, ctx) => {
      if (v.WATCHER_POLL_MAX_MS < v.WATCHER_POLL_MIN_MS) {
        ctx.addIssue({ code: 'custom', path: ['WATCHER_POLL_MAX_MS'], message: `must be at least WATCHER_POLL_MIN_MS (${v.WATCHER_POLL_MIN_MS})` });
      }
    }),
  (v, _env, config) => ({
    codeTtlSeconds: config.get(codesConfigSection).ttlSeconds,
    maxDequeueCount: v.MAX_DEQUEUE_COUNT,
    poisonQueueName: v.POISON_QUEUE_NAME ?? `${config.get(queueConfigSection).queueName}-poison`,
    batchSize: v.WATCHER_BATCH_SIZE,
    concurrency: v.WATCHER_CONCURRENCY,
    visibilityTimeoutSeconds: v.WATCHER_VISIBILITY_TIMEOUT_SECONDS,
    pollMinMs: v.WATCHER_POLL_MIN_MS,
    pollMaxMs: v.WATCHER_POLL_MAX_MS,
    retryBaseSeconds: v.WATCHER_RETRY_BASE_SECONDS,
    maxMessageBytes: v.WATCHER_MAX_MESSAGE_BYTES,
    maxClockSkewSeconds: v.WATCHER_MAX_CLOCK_SKEW_SECONDS,
  }),
  { reads: [codesConfigSection, queueConfigSection] },
);
