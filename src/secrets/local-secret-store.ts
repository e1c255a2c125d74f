import { readFile } from 'node:fs/promises';
import { SecretStore } from './secret-store.js';
import { SecretNotFoundError, SecretStoreUnavailableError } from './secrets.errors.js';
import { localSecretVariable } from './secrets.config.js';

/**
 * Secrets from the environment: `SECRET_<NAME>` holds the value, or `SECRET_<NAME>_FILE` names a
 * file holding it (a mounted Kubernetes/Docker secret). The file is read on each call, so a
 * rotated mount is picked up the next time SecretsService refreshes. A secret with versions (the
 * session secret) is a list, one version per line, newest first: rotating is adding a line on top,
 * dropping an old version is removing its line.
 */
export class LocalSecretStore extends SecretStore {
  readonly kind = 'local';

  constructor(private readonly values: Readonly<Record<string, string>>) {
    super();
  }

  override async readVersions(name: string, max: number): Promise<string[]> {
    const versions = (await this.read(name))
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean);
    if (!versions.length) throw new SecretNotFoundError(name, `${this.kind} (set ${localSecretVariable(name)})`);
    return versions.slice(0, max);
  }

  async read(name: string): Promise<string> {
    const variable = localSecretVariable(name);
    const file = this.values[`${variable}_FILE`];
    if (file) {
      try {
        return (await readFile(file, 'utf8')).trim();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'read error';
        throw new SecretStoreUnavailableError(this.kind, `${variable}_FILE could not be read (${code})`, { cause: error });
      }
    }
    const value = this.values[variable];
    if (value === undefined || value === '') throw new SecretNotFoundError(name, `${this.kind} (set ${variable})`);
    return value;
  }
}
