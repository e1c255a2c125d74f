import { Global, Module } from '@nestjs/common';
import { SecretStore } from './secret-store.js';
import { SecretsConfig } from './secrets.config.js';
import { SecretsService } from './secrets.service.js';
import { createSecretStore } from './secret-store.factory.js';

/** The secret store chosen by SECRETS_PROVIDER, behind SecretsService's cache. */
@Global()
@Module({
  providers: [
    { provide: SecretStore, inject: [SecretsConfig], useFactory: createSecretStore },
    { provide: SecretsService, inject: [SecretStore, SecretsConfig], useFactory: (s: SecretStore, c: SecretsConfig) => new SecretsService(s, c) },
  ],
  exports: [SecretsService],
})
export class SecretsModule {}
