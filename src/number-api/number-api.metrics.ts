import { defineOutcomeMetrics, LATENCY_BUCKETS_SECONDS } from '../observability/instruments.js';

/** One call per number API call: its outcome (ok or the failure kind) and its duration. */
export const recordNumberApiCall: (outcome: string, seconds: number) => void = defineOutcomeMetrics({
  count: { name: 'number_api.calls', description: 'Calls to the third-party number API, by outcome (ok or the failure kind).' },
  seconds: { name: 'number_api.call.duration.seconds', description: 'Duration of calls to the third-party number API.', buckets: LATENCY_BUCKETS_SECONDS },
});
