/**
 * The secret-store contract (abstract class = type + DI token). Implementations read the current
 * value from the backing store on every call; caching and rotation live in SecretsService so
 * every provider gets them.
 */
export abstract class SecretStore {
  /** A short name for logs and health output, e.g. "keyvault". */
  abstract readonly kind: string;
  /** Reads the current value. Throws SecretNotFoundError or SecretStoreUnavailableError. */
  abstract read(name: string): Promise<string>;

  /**
   * The newest `max` usable versions, newest first (at least one, else it throws like `read`): a
   * secret rotated without a cut-over, such as the session secret, seals with the first and still
   * opens with the others. A store without versions has only the current value.
   */
  async readVersions(name: string, max: number): Promise<string[]> {
    void max;
    return [await this.read(name)];
  }
}
