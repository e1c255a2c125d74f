import { defineMetrics, LATENCY_BUCKETS_SECONDS } from '../observability/instruments.js';

const numberApiMetrics = defineMetrics((meter) => ({
  calls: meter.createCounter('number_api.calls', {
    description: 'Calls to the third-party number API, by outcome (ok or the failure kind).',
  }),
  duration: meter.createHistogram('number_api.call.duration.seconds', {
    description: 'Duration of calls to the third-party number API.',
    unit: 's',
    advice: { explicitBucketBoundaries: LATENCY_BUCKETS_SECONDS },
  }),
}));

export function recordNumberApiCall(outcome: string, seconds: number): void {
  numberApiMetrics().calls.add(1, { outcome });
  numberApiMetrics().duration.record(seconds, { outcome });
}
