import { Injectable } from '@nestjs/common';
import { type CheckResult, check, Diagnoses, type DoctorCheck, type DoctorChecks, fail, ok } from '../doctor/doctor-check.js';
import { SecretsConfig, localSecretVariable } from './secrets.config.js';
import { SecretNotFoundError, SecretUnusableError } from './secrets.errors.js';
import { SecretsService } from './secrets.service.js';

/**
 * The secret store is reachable and holds every secret the process declared it needs (require()),
 * each named with the variable that names it. Values are read, never shown.
 */
@Injectable()
@Diagnoses()
export class SecretsDoctor implements DoctorChecks {
  constructor(
    private readonly secrets: SecretsService,
    private readonly config: SecretsConfig,
  ) {}

  checks(): DoctorCheck[] {
    return this.secrets.requiredSecrets().map(({ name, variable }) => check(`secrets.${name}`, () => this.present(name, variable)));
  }

  private async present(name: string, variable: string | undefined): Promise<CheckResult> {
    const vault = this.config.provider === 'keyvault';
    const where = vault ? `Key Vault ${this.config.keyVaultUrl}` : `the local secret store (${localSecretVariable(name)})`;
    try {
      await this.secrets.get(name);
      return ok(`"${name}" is in ${where}`);
    } catch (error) {
      if (error instanceof SecretNotFoundError) {
        const fix = vault
          ? `add it: az keyvault secret set --vault-name <vault> --name ${name} --value …, or name an existing secret`
          : `set ${localSecretVariable(name)} (or ${localSecretVariable(name)}_FILE), or name an existing secret`;
        return fail(`"${name}" is missing from ${where}`, fix, variable ?? localSecretVariable(name));
      }
      if (error instanceof SecretUnusableError) return fail(error.message, 'store a usable value', variable);
      return fail(
        `${where} cannot be read: ${(error as Error).message}`,
        vault ? 'check KEY_VAULT_URL, the network, and the "Key Vault Secrets User" role of the app\'s identity on the secret' : 'check the file is readable',
        vault ? 'KEY_VAULT_URL' : `${localSecretVariable(name)}_FILE`,
      );
    }
  }
}
