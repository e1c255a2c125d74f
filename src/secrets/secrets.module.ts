import { Global, Module } from '@nestjs/common';
import { SecretStore } from './secret-store.js';
import { SecretsConfig, secretsConfigSection } from './secrets.config.js';
import { SecretsMetricsToken } from './metrics-token.provider.js';
import { SecretsDoctor } from './secrets.doctor.js';
import { SecretsHealthIndicator } from './secrets.health.js';
import { MetricsToken } from '../observability/metrics-token.js';
import { observabilityConfigSection } from '../observability/observability.config.js';
import { SecretsService } from './secrets.service.js';
import { createSecretStore } from './secret-store.factory.js';
import { ClockModule } from '../common/clock.js';

/**
 * The secret store chosen by SECRETS_PROVIDER, behind SecretsService's cache; the metrics scrape
 * token read from it (MetricsToken) and its readiness indicator.
 */
@Global()
@Module({
  imports: [ClockModule, secretsConfigSection.forFeature(), observabilityConfigSection.forFeature()],
  providers: [
    { provide: SecretStore, inject: [SecretsConfig], useFactory: createSecretStore },
    SecretsService,
    { provide: MetricsToken, useClass: SecretsMetricsToken },
    SecretsHealthIndicator,
    SecretsDoctor,
  ],
  exports: [SecretsService, MetricsToken],
})
export class SecretsModule {}
