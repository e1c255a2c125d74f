import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { SecretStore } from './secret-store.js';
import { SecretsConfig } from './secrets.config.js';
import { SecretUnusableError } from './secrets.errors.js';

/** Says why a secret's value cannot be used, or undefined when it can. */
export type SecretCheck = (value: string) => string | undefined;

interface CachedSecret {
  value: string;
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
  private readonly required = new Set<string>();
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
  require(name: string, check?: SecretCheck): void {
    if (check) this.checks.set(name, check);
    if (this.required.has(name)) return;
    this.required.add(name);
    void this.warmUp(name);
  }

  /** Names of required secrets not loaded yet, with the last reason. */
  missing(): Array<{ name: string; reason: string }> {
    return [...this.required]
      .filter((name) => !this.cache.has(name))
      .map((name) => ({ name, reason: this.lastFailure.get(name) ?? 'not read yet' }));
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

  private async warmUp(name: string): Promise<void> {
    let delay = 1000;
    for (let attempt = 1; !this.stopped && !this.cache.has(name); attempt++) {
      try {
        await this.load(name);
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
