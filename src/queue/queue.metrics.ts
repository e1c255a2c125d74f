import { defineMetrics } from '../observability/instruments.js';

const queueMetrics = defineMetrics((meter) => ({
  sends: meter.createCounter('queue.sends', { description: 'Messages sent to the code queue, by outcome.' }),
}));

export function recordQueueSend(outcome: 'ok' | 'failed', queue: string): void {
  queueMetrics().sends.add(1, { outcome, queue });
}
