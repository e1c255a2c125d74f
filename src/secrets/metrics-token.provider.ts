import type { FactoryProvider } from '@nestjs/common';
import { MetricsToken } from '../observability/metrics-token.js';
import { ObservabilityConfig } from '../observability/observability.config.js';
import { SecretsService } from './secrets.service.js';

/** The metrics scrape token read from the secret store (Key Vault in Azure), by METRICS_TOKEN_SECRET_NAME. */
export const metricsTokenFromSecrets: FactoryProvider<MetricsToken> = {
  provide: MetricsToken,
  inject: [SecretsService, ObservabilityConfig],
  useFactory: (secrets: SecretsService, config: ObservabilityConfig): MetricsToken => ({
    read: () => secrets.get(config.metricsTokenSecretName),
  }),
};
