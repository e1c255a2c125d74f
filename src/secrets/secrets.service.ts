import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { SecretStore } from './secret-store.js';
import { SecretsConfig } from './secrets.config.js';
import { SecretUnusableError } from './secrets.errors.js';

/** Says why a secret's value cannot be used, or undefined when it can. */
export type SecretCheck = (value: string) => string | undefined;

/** How a capability declares a secret it cannot work without (SecretsService.require). */
export interface RequiredSecret {
  /** Refuses values that cannot be used (every version of a versioned secret is checked). */
  check?: SecretCheck;
  /** Read as versions (newest first, at most this many): the secret rotates without a cut-over. */
  versions?: number;
  /** The variable that names the secret (e.g. THIRD_PARTY_API_SECRET_NAME), for the doctor's fix lines. */
  variable?: string;
}

interface CachedSecret {
  value: string;
  readAt: number;
}

interface CachedVersions {
  values: string[];
  readAt: number;
}

/**
 * Caches secrets in memory so the backing store (Key Vault: 4,000 GETs per 10 s per vault) is never
 * read per request. A cached value is re-read when a caller reports it stopped working (rotation),
 * or after the configured max age. Concurrent reads of one secret share one store call.
 */
@Injectable()
export class SecretsService implements OnApplicationShutdown {
  private readonly logger = new Logger(SecretsService.name);
  private readonly cache = new Map<string, CachedSecret>();
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly versionCache = new Map<string, CachedVersions>();
  private readonly versionsInFlight = new Map<string, Promise<string[]>>();
  private readonly required = new Map<string, RequiredSecret>();
  private readonly lastFailure = new Map<string, string>();
  private readonly checks = new Map<string, SecretCheck>();
  private stopped = false;
  private reads = 0;

  constructor(
    private readonly store: SecretStore,
    private readonly config: SecretsConfig,
    private readonly clock: Clock,
  ) {}

  /** Calls made to the backing store, for health output and benchmarks. */
  get storeReads(): number {
    return this.reads;
  }

  get storeKind(): string {
    return this.store.kind;
  }

  /**
   * Declares a secret the service cannot work without: it is read in the background until it
   * succeeds (with back-off and a log line per failure) and readiness reports it. With `check`, a
   * value it refuses counts as not loaded: every read fails with SecretUnusableError and readiness
   * stays down until the store holds a usable value.
   */
  require(name: string, options: RequiredSecret = {}): void {
    if (options.check) this.checks.set(name, options.check);
    const known = this.required.get(name);
    this.required.set(name, { ...known, ...options });
    if (known) return;
    void this.warmUp(name);
  }

  /** The secrets declared with require(), with the variable naming each (the doctor checks each is present). */
  requiredSecrets(): Array<{ name: string; variable?: string }> {
    return [...this.required].map(([name, { variable }]) => ({ name, ...(variable ? { variable } : {}) }));
  }

  /** Names of required secrets not loaded yet, with the last reason. */
  missing(): Array<{ name: string; reason: string }> {
    return [...this.required.keys()]
      .filter((name) => !this.cache.has(name) && !this.versionCache.has(name))
      .map((name) => ({ name, reason: this.lastFailure.get(name) ?? 'not read yet' }));
  }

  /**
   * The newest `count` versions of a secret, newest first (Key Vault's versions; locally one per
   * line), cached like `get` but for `maxAgeMs`: a rotation is picked up within that time. The
   * newest must pass the secret's check; an older version that does not is left out. When the store
   * cannot be read, the versions already held are kept.
   */
  async versions(name: string, count: number, maxAgeMs = this.config.maxAgeMs): Promise<string[]> {
    const cached = this.versionCache.get(name);
    if (cached && !(maxAgeMs > 0 && this.clock.now() - cached.readAt >= maxAgeMs)) return cached.values;
    try {
      return await this.loadVersions(name, count);
    } catch (error) {
      if (cached) {
        this.logger.warn(`Keeping the versions of "${name}" already read: ${(error as Error).message}`);
        return cached.values;
      }
      throw error;
    }
  }

  async get(name: string): Promise<string> {
    const cached = this.cache.get(name);
    if (cached && !this.isStale(cached)) return cached.value;
    try {
      return await this.load(name);
    } catch (error) {
      // A stale value that still works beats an outage of the store.
      if (cached) {
        this.logger.warn(`Using the cached "${name}" past its max age: ${(error as Error).message}`);
        return cached.value;
      }
      throw error;
    }
  }

  /**
   * The caller found `rejected` does not work (the upstream answered 401/403). Re-reads once; when
   * another caller already replaced that value, returns the newer one without a store call.
   */
  async refresh(name: string, rejected: string): Promise<string> {
    const cached = this.cache.get(name);
    if (cached && cached.value !== rejected) return cached.value;
    return this.load(name);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  private isStale(entry: CachedSecret): boolean {
    return this.config.maxAgeMs > 0 && this.clock.now() - entry.readAt >= this.config.maxAgeMs;
  }

  private load(name: string): Promise<string> {
    let pending = this.inFlight.get(name);
    if (!pending) {
      this.reads++;
      pending = this.store
        .read(name)
        .then((value) => {
          const problem = this.checks.get(name)?.(value);
          if (problem) throw new SecretUnusableError(name, problem);
          const previous = this.cache.get(name);
          this.cache.set(name, { value, readAt: this.clock.now() });
          this.lastFailure.delete(name);
          if (previous && previous.value !== value) this.logger.log(`Secret "${name}" was rotated; using the new value`);
          return value;
        })
        .finally(() => this.inFlight.delete(name));
      this.inFlight.set(name, pending);
    }
    return pending;
  }

  /**
   * Reads the versions again now, unless they were read less than `minIntervalMs` ago: for a caller
   * holding a value none of the versions it knows opens (another instance may already use a newer one).
   */
  async refreshVersions(name: string, count: number, minIntervalMs: number): Promise<string[]> {
    const cached = this.versionCache.get(name);
    if (cached && this.clock.now() - cached.readAt < minIntervalMs) return cached.values;
    return this.versions(name, count, 1);
  }

  private loadVersions(name: string, count: number): Promise<string[]> {
    let pending = this.versionsInFlight.get(name);
    if (!pending) {
      this.reads++;
      pending = this.store
        .readVersions(name, count)
        .then((read) => {
          const check = this.checks.get(name);
          const newest = check?.(read[0]!);
          if (newest) throw new SecretUnusableError(name, newest);
          const values = read.filter((value, i) => {
            const problem = i > 0 ? check?.(value) : undefined;
            if (problem) this.logger.warn(`Version ${i + 1} of secret "${name}" is left out: ${problem}`);
            return !problem;
          });
          const previous = this.versionCache.get(name)?.values;
          this.versionCache.set(name, { values, readAt: this.clock.now() });
          this.lastFailure.delete(name);
          if (previous && previous[0] !== values[0]) this.logger.log(`Secret "${name}" was rotated; sealing with the new version (${values.length} in use)`);
          else if (previous && previous.join('\n') !== values.join('\n')) this.logger.log(`Secret "${name}": ${values.length} version(s) in use now`);
          return values;
        })
        .finally(() => this.versionsInFlight.delete(name));
      this.versionsInFlight.set(name, pending);
    }
    return pending;
  }

  private async warmUp(name: string): Promise<void> {
    let delay = 1000;
    const versions = this.required.get(name)?.versions;
    for (let attempt = 1; !this.stopped && !this.cache.has(name) && !this.versionCache.has(name); attempt++) {
      try {
        if (versions) await this.loadVersions(name, versions);
        else await this.load(name);
        if (attempt > 1) this.logger.log(`Secret "${name}" loaded from the ${this.store.kind} store after ${attempt} attempts; ready`);
        return;
      } catch (error) {
        const reason = (error as Error).message;
        this.lastFailure.set(name, reason);
        this.logger.error(
          `Cannot read secret "${name}" (attempt ${attempt}); not ready, retrying in ${Math.round(delay / 1000)} s. Reason: ${reason}`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
        delay = Math.min(delay * 2, this.config.startupRetryMaxDelayMs);
      }
    }
  }
}
