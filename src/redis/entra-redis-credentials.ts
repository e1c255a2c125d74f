import { EventEmitter } from 'node:events';
import type { AccessToken, TokenCredential } from '@azure/identity';
import type { Clock } from '../common/clock.js';
import { REDIS_ENTRA_SCOPE } from './redis.config.js';
import { RedisTokenError } from './redis.errors.js';

export interface RedisCredentials {
  username: string;
  password: string;
}

/** What the renewer needs from a connection: where reconnects read credentials, and a live AUTH. */
export interface AuthenticatableConnection {
  readonly status: string;
  options: { username?: string; password?: string };
  call(command: 'AUTH', username: string, password: string): Promise<unknown>;
}

export interface EntraRedisCredentialsOptions {
  /** Fixed username (the identity's object id); otherwise read from the token's `oid` claim. */
  username?: string;
  /** Renew this long before expiry, at most half the token's lifetime. */
  renewMarginMs: number;
  /** Pause before retrying a failed renewal (shortened as expiry nears). */
  retryMs?: number;
  log?: { warn(message: string): void; log(message: string): void };
}

/**
 * Microsoft Entra tokens as Redis credentials (Azure Managed Redis / Azure Cache for Redis):
 * username = the identity's object id, password = an access token for https://redis.azure.com.
 * ioredis has no credential provider, so this renews the token before it expires, stores it where
 * ioredis reads credentials on reconnect, and sends `AUTH <oid> <token>` on every attached open
 * connection (Azure drops a connection whose token expires without re-authentication).
 *
 * Events: `renewed` (after every attached connection got its AUTH), `error` is never emitted (a
 * failure is logged and retried; tokens are never logged).
 */
export class EntraRedisCredentials extends EventEmitter<{ renewed: [RedisCredentials]; renewFailed: [Error] }> {
  private current?: RedisCredentials;
  private expiresAt = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly connections = new Set<AuthenticatableConnection>();

  constructor(
    private readonly credential: TokenCredential,
    private readonly options: EntraRedisCredentialsOptions,
    private readonly clock: Clock,
  ) {
    super();
  }

  /** Fetches the first token and schedules its renewal. */
  async start(): Promise<RedisCredentials> {
    const credentials = await this.fetch();
    this.schedule();
    return credentials;
  }

  get credentials(): RedisCredentials | undefined {
    return this.current;
  }

  /** Keeps `connection`'s stored credentials fresh and re-authenticates it on every renewal. */
  attach(connection: AuthenticatableConnection): void {
    this.connections.add(connection);
    if (this.current) Object.assign(connection.options, this.current);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Renews now (the timer calls this; tests and operators may too). */
  async renew(): Promise<void> {
    clearTimeout(this.timer);
    try {
      const credentials = await this.fetch();
      const failures: string[] = [];
      await Promise.all(
        [...this.connections].map(async (connection) => {
          Object.assign(connection.options, credentials);
          // A connection that is not open authenticates with the stored token when it reconnects.
          if (connection.status !== 'ready') return;
          try {
            await connection.call('AUTH', credentials.username, credentials.password);
          } catch (error) {
            failures.push(error instanceof Error ? error.message : String(error));
          }
        }),
      );
      if (failures.length) this.options.log?.warn(`Redis re-authentication with the renewed Entra token failed on ${failures.length} connection(s): ${failures[0]}`);
      this.schedule();
      this.emit('renewed', credentials);
    } catch (error) {
      if (this.stopped) return;
      const remaining = this.expiresAt - this.clock.now();
      const retryIn = Math.max(1000, Math.min(this.options.retryMs ?? 30_000, remaining / 4));
      this.options.log?.warn(
        `Renewing the Entra token for Redis failed (${(error as Error).message}); retrying in ${Math.round(retryIn / 1000)} s, current token valid for ${Math.max(0, Math.round(remaining / 1000))} s`,
      );
      this.timer = setTimeout(() => void this.renew(), retryIn);
      this.timer.unref();
      this.emit('renewFailed', error as Error);
    }
  }

  private async fetch(): Promise<RedisCredentials> {
    let token: AccessToken | null;
    try {
      token = await this.credential.getToken(REDIS_ENTRA_SCOPE);
    } catch (error) {
      throw new RedisTokenError((error as Error).message, { cause: error });
    }
    if (!token?.token) throw new RedisTokenError('the credential returned no token');
    const username = this.options.username ?? objectIdOf(token.token);
    this.current = { username, password: token.token };
    this.expiresAt = token.expiresOnTimestamp;
    this.refreshAfter = token.refreshAfterTimestamp;
    return this.current;
  }

  private refreshAfter?: number;

  private schedule(): void {
    if (this.stopped) return;
    const now = this.clock.now();
    const lifetime = Math.max(0, this.expiresAt - now);
    let renewAt = this.expiresAt - Math.min(this.options.renewMarginMs, lifetime / 2);
    if (this.refreshAfter !== undefined && this.refreshAfter > now) renewAt = Math.min(renewAt, this.refreshAfter);
    this.timer = setTimeout(() => void this.renew(), Math.max(100, renewAt - now));
    this.timer.unref();
  }
}

/** The `oid` claim of a JWT access token (Redis' username for an Entra identity). Not verified: Redis does that. */
export function objectIdOf(token: string): string {
  const payload = token.split('.')[1];
  if (payload) {
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { oid?: unknown };
      if (typeof claims.oid === 'string' && claims.oid) return claims.oid;
    } catch {
      // fall through
    }
  }
  throw new RedisTokenError('the token has no oid claim; set REDIS_USERNAME to the identity\'s object id');
}
