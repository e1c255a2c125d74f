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
}
