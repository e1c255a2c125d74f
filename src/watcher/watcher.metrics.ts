import { defineOutcomeMetrics, LAG_BUCKETS_SECONDS } from '../observability/instruments.js';

/** One call per message the watcher finished, with how long after enqueueing. */
export const recordWatcherMessage: (outcome: 'processed' | 'poisoned' | 'failed', lagSeconds?: number) => void = defineOutcomeMetrics({
  count: { name: 'watcher.messages', description: 'Queue messages the watcher handled, by outcome (processed, poisoned, failed).' },
  seconds: { name: 'watcher.lag.seconds', description: 'Time from a message being enqueued until the watcher finished it.', buckets: LAG_BUCKETS_SECONDS },
});
