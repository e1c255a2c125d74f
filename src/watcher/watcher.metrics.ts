import { defineMetrics, LAG_BUCKETS_SECONDS } from '../observability/instruments.js';

const watcherMetrics = defineMetrics((meter) => ({
  messages: meter.createCounter('watcher.messages', {
    description: 'Queue messages the watcher handled, by outcome (processed, poisoned, failed).',
  }),
  lag: meter.createHistogram('watcher.lag.seconds', {
    description: 'Time from a message being enqueued until the watcher finished it.',
    unit: 's',
    advice: { explicitBucketBoundaries: LAG_BUCKETS_SECONDS },
  }),
}));

/** One call per message the watcher finished, with how long after enqueueing. */
export function recordWatcherMessage(outcome: 'processed' | 'poisoned' | 'failed', lagSeconds?: number): void {
  watcherMetrics().messages.add(1, { outcome });
  if (lagSeconds !== undefined && Number.isFinite(lagSeconds) && lagSeconds >= 0) {
    watcherMetrics().lag.record(lagSeconds, { outcome });
  }
}
