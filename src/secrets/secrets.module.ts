import { Global, Module } from '@nestjs/common';
import { SecretStore } from './secret-store.js';
import { SecretsConfig } from './secrets.config.js';
import { SecretsService } from './secrets.service.js';
import { createSecretStore } from './secret-store.factory.js';
import { ClockModule } from '../common/clock.js';

/** The secret store chosen by SECRETS_PROVIDER, behind SecretsService's cache. */
@Global()
@Module({
  imports: [ClockModule],
  providers: [
    { provide: SecretStore, inject: [SecretsConfig], useFactory: createSecretStore },
    SecretsService,
  ],
  exports: [SecretsService],
})
export class SecretsModule {}
