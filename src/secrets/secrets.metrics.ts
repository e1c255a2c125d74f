import { defineMetrics } from '../observability/instruments.js';

const secretsMetrics = defineMetrics((meter) => ({
  keyVaultReads: meter.createCounter('keyvault.secret.reads', {
    description: 'Secret reads from Azure Key Vault, by outcome (cache hits are not reads).',
  }),
}));

export function recordKeyVaultRead(outcome: 'ok' | 'not_found' | 'failed'): void {
  secretsMetrics().keyVaultReads.add(1, { outcome });
}
