import { Injectable } from '@nestjs/common';
import { MetricsToken } from '../observability/metrics-token.js';
import { ObservabilityConfig } from '../observability/observability.config.js';
import { SecretsService } from './secrets.service.js';

/** The metrics scrape token read from the secret store (Key Vault in Azure), by METRICS_TOKEN_SECRET_NAME. */
@Injectable()
export class SecretsMetricsToken extends MetricsToken {
  constructor(
    private readonly secrets: SecretsService,
    private readonly config: ObservabilityConfig,
  ) {
    super();
  }

  read(): Promise<string> {
    return this.secrets.get(this.config.metricsTokenSecretName);
  }
}
