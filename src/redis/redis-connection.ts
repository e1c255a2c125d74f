import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { TokenCredential } from '@azure/identity';
import { azureCredential } from '../azure/azure-credential.js';
import type { Redis, RedisOptions } from 'ioredis';
import type { SecretsService } from '../secrets/secrets.service.js';
import { EntraRedisCredentials } from './entra-redis-credentials.js';
import { RateLimitedLog } from './rate-limited-log.js';
import { REDIS_ENTRA_SCOPE, type RedisConfig } from './redis.config.js';
import { RedisUnavailableError } from './redis.errors.js';
import type { Clock } from '../common/clock.js';

/** Command timeouts in a row that open the breaker. */
export const BREAKER_THRESHOLD = 3;

/**
 * The process' one Redis connection (throttler counters, attempt budgets, sessions). Opened at
 * start only when a capability is configured to use Redis; never blocks start-up: while Redis is
 * unreachable ioredis reconnects with back-off and callers see failures at once (no offline
 * queue), so the throttler can fall back to in-process limits instead of waiting.
 *
 * A Redis that hangs (connected, but answering nothing: a stopped process, a stalled network)
 * would make every command wait for REDIS_COMMAND_TIMEOUT_MS. Capabilities send their commands
 * through `command()`, which counts timeouts: after BREAKER_THRESHOLD in a row the breaker opens
 * and `command()` fails at once (RedisUnavailableError), so each caller goes straight to its
 * fallback (in-process rate limits and attempt budgets; sessions answer 503), until a PING probe,
 * sent every command timeout, answers. Opening and closing are logged once each.
 */
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnection.name);
  private readonly errorLog: RateLimitedLog;
  private redis?: Redis;
  private entra?: EntraRedisCredentials;
  private opening?: Promise<void>;
  private closed = false;
  private wasDown = false;
  private retryTimer?: NodeJS.Timeout;
  private readonly breaker = { open: false, inARow: 0, timedOut: 0, skipped: 0, probe: undefined as NodeJS.Timeout | undefined };

  constructor(
    readonly config: RedisConfig,
    private readonly clock: Clock,
    private readonly secrets?: Pick<SecretsService, 'get'>,
    private readonly credential: () => TokenCredential = azureCredential,
  ) {
    this.errorLog = new RateLimitedLog((m) => this.logger.warn(m), clock);
  }

  get inUse(): boolean {
    return this.config.inUse;
  }

  /** True while commands can be sent (connected and authenticated). */
  get isReady(): boolean {
    return this.redis?.status === 'ready';
  }

  /** The ioredis client; only for a capability configured to use Redis. */
  get client(): Redis {
    if (!this.redis) throw new RedisUnavailableError('the connection is not open');
    return this.redis;
  }

  /** The Entra token renewer, when REDIS_AUTH=entra (tests watch its `renewed` event). */
  get entraCredentials(): EntraRedisCredentials | undefined {
    return this.entra;
  }

  /** False while the breaker is open (Redis connected but not answering): commands fail at once. */
  get answering(): boolean {
    return !this.breaker.open;
  }

  /**
   * Runs one command (or script) of a capability, through the breaker: refused at once
   * (RedisUnavailableError) while it is open; a command timeout counts towards opening it.
   */
  async command<T>(run: () => Promise<T>): Promise<T> {
    if (this.breaker.open) {
      this.breaker.skipped++;
      throw new RedisUnavailableError('not answering: the breaker is open');
    }
    try {
      const answer = await run();
      if (!this.breaker.open) Object.assign(this.breaker, { inARow: 0, timedOut: 0 });
      return answer;
    } catch (error) {
      if (isCommandTimeout(error)) this.noteTimeout();
      throw error;
    }
  }

  private noteTimeout(): void {
    this.breaker.timedOut++;
    if (++this.breaker.inARow < BREAKER_THRESHOLD || this.breaker.open) return;
    this.breaker.open = true;
    this.logger.warn(
      `Redis at ${this.config.target} is not answering (${this.breaker.inARow} commands in a row timed out after ${this.config.commandTimeoutMs} ms): ` +
        `going straight to the fallback (${this.config.usedBy.join(', ')}) until a probe answers`,
    );
    this.scheduleProbe();
  }

  /** While open: a PING every command timeout; the first that answers closes the breaker. */
  private scheduleProbe(): void {
    clearTimeout(this.breaker.probe);
    this.breaker.probe = setTimeout(() => {
      if (this.closed) return;
      const probing = this.redis && this.isReady ? this.redis.ping() : Promise.reject(new Error('not connected'));
      probing.then(
        () => {
          this.logger.log(
            `Redis at ${this.config.target} answers again: ${this.breaker.timedOut} command(s) timed out, ${this.breaker.skipped} went straight to the fallback meanwhile`,
          );
          Object.assign(this.breaker, { open: false, inARow: 0, timedOut: 0, skipped: 0 });
        },
        () => this.scheduleProbe(),
      );
    }, Math.max(100, this.config.commandTimeoutMs));
    this.breaker.probe.unref();
  }

  key(suffix: string): string {
    return this.config.keyPrefix + suffix;
  }

  async onModuleInit(): Promise<void> {
    if (this.config.inUse) await this.open();
  }

  /** Opens the connection; resolves after the first attempt whether or not it succeeded. */
  open(): Promise<void> {
    this.opening ??= this.doOpen();
    return this.opening;
  }

  private async doOpen(): Promise<void> {
    let credentials: { username?: string; password?: string };
    try {
      credentials = await this.initialCredentials();
    } catch (error) {
      // No password or token yet (secret store or identity endpoint down): start anyway, retry.
      this.errorLog.note(`Redis credentials (${this.config.auth}) unavailable: ${(error as Error).message}; retrying`);
      if (!this.closed) {
        this.retryTimer = setTimeout(() => {
          this.opening = undefined;
          void this.open();
        }, 5000);
        this.retryTimer.unref();
      }
      return;
    }
    if (this.closed) return;
    const client = await this.newClient(credentials);
    if (this.closed) {
      client.disconnect(); // closed while ioredis was loading
      return;
    }
    this.redis = client;
    this.entra?.attach(this.redis);
    this.redis.on('error', (error: Error) => {
      this.wasDown = true;
      // ioredis messages name the host and port at most, never the password or token.
      this.errorLog.note(`Redis connection to ${this.config.target} failed: ${error.message}`);
    });
    this.redis.on('ready', () => {
      if (this.wasDown) this.logger.log(`Redis connection to ${this.config.target} restored`);
      else this.logger.log(`Redis connected: ${this.config.target} (${this.config.usedBy.join(', ')}, auth ${this.config.auth})`);
      this.wasDown = false;
      this.errorLog.reset();
    });
    this.redis.on('close', () => {
      if (!this.closed && !this.wasDown) {
        this.wasDown = true;
        this.logger.warn(`Redis connection to ${this.config.target} lost; reconnecting`);
      }
    });
    try {
      await this.redis.connect();
    } catch {
      // Logged by the error handler; ioredis keeps reconnecting.
    }
  }

  /**
   * A client with the connection's options (not connected: lazyConnect). ioredis is loaded here,
   * on first use: a process with no capability on Redis never loads it.
   */
  private async newClient(credentials: { username?: string; password?: string }, overrides: RedisOptions = {}): Promise<Redis> {
    const { Redis } = await import('ioredis');
    const options: RedisOptions = {
      lazyConnect: true,
      // Fail fast while disconnected: a throttler check must not queue behind a reconnect.
      enableOfflineQueue: false,
      // A rate-limit increment re-sent after a reconnect would count twice.
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      // Commands issued in the same event-loop tick (concurrent requests' session reads and limit
      // increments) leave in one write(2) and their replies are read together. Order per
      // connection is kept; the compare-and-set writes are Lua scripts, so no WATCH state is shared.
      enableAutoPipelining: true,
      commandTimeout: this.config.commandTimeoutMs,
      connectTimeout: this.config.connectTimeoutMs,
      retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 3000),
      connectionName: 'integrated-auth-service',
      ...credentials,
      ...overrides,
    };
    if (this.config.url) return new Redis(this.config.url, options);
    return new Redis({
      ...options,
      host: this.config.host,
      port: this.config.port,
      ...(this.config.tls ? { tls: { servername: this.config.host } } : {}),
    });
  }

  /**
   * For the doctor: a one-off connection with the same target and credentials (a password from the
   * secret store, or a fresh Entra token), AUTH and PING, then closed. Throws what went wrong
   * (unreachable, AUTH refused), whatever state the shared connection is in.
   */
  async probe(): Promise<void> {
    const credentials =
      this.config.auth === 'entra'
        ? { username: this.config.username, password: (await this.credential().getToken(REDIS_ENTRA_SCOPE))?.token }
        : await this.initialCredentials();
    const client = await this.newClient(credentials, { retryStrategy: () => null, enableOfflineQueue: true, reconnectOnError: () => false });
    // The first error says why (WRONGPASS, ECONNREFUSED); connect() then only says the connection closed.
    let first: Error | undefined;
    client.on('error', (error: Error) => (first ??= error));
    try {
      await client.connect();
      await client.ping();
    } catch (error) {
      throw first ?? error;
    } finally {
      client.disconnect();
    }
  }

  private async initialCredentials(): Promise<{ username?: string; password?: string }> {
    switch (this.config.auth) {
      case 'none':
        return {};
      case 'password': {
        if (!this.secrets) throw new Error('REDIS_AUTH=password needs the secret store');
        const password = await this.secrets.get(this.config.passwordSecretName);
        return { username: this.config.username, password };
      }
      case 'entra':
        this.entra = new EntraRedisCredentials(this.credential(), { username: this.config.username, renewMarginMs: this.config.tokenRenewMarginMs, log: this.logger }, this.clock);
        return this.entra.start();
    }
  }

  async ping(): Promise<void> {
    if (!this.isReady) throw new RedisUnavailableError(`not connected to ${this.config.target}`);
    await this.client.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.entra?.stop();
    clearTimeout(this.retryTimer);
    clearTimeout(this.breaker.probe);
    await this.opening?.catch(() => undefined);
    if (!this.redis) return;
    try {
      if (this.redis.status === 'ready') await this.redis.quit();
      else this.redis.disconnect();
    } catch {
      this.redis.disconnect();
    }
  }
}

/** ioredis rejects a command that got no reply within commandTimeout with this message. */
function isCommandTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Command timed out';
}
