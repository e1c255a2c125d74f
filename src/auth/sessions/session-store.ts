/** What the server keeps for one signed-in browser. Tokens never leave the server. */
export interface StoredSession {
  id: string;
  sub: string;
  /** The issuer that vouched for `sub`. Optional only for rows written before it was stored. */
  iss?: string;
  /** The IdP's session id (`sid`), for back-channel logout. */
  idpSid?: string;
  name: string;
  email?: string;
  roles: string[];
  claims: Record<string, unknown>;
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms. */
  accessTokenExpiresAt: number;
  createdAt: number;
  /** Absolute end (epoch ms): AUTH_SESSION_TTL_SECONDS after login, never extended. */
  expiresAt: number;
  /**
   * Rolling idle end (epoch ms): pushed forward by activity (AUTH_SESSION_IDLE_SECONDS), never
   * past `expiresAt`. Optional only for rows written before idle timeouts existed.
   */
  idleExpiresAt?: number;
  /**
   * Held while one instance refreshes the tokens (taken and released by conditional `replace`), so
   * only one refresh grant reaches the IdP when the IdP rotates refresh tokens. Others wait for it
   * to go and use the winner's tokens. `until` (epoch ms) lets a crashed holder's lock lapse.
   */
  refreshLock?: { owner: string; until: number };
  /** The ID token's `acr`, `amr` (with `otp` added by this app's second factor) and `auth_time` (epoch s). Optional: older rows lack them. */
  acr?: string;
  amr?: string[];
  authTime?: number;
  /** When /auth/second-factor last succeeded for this session (epoch ms). */
  secondFactorAt?: number;
}

export interface VersionedSession {
  session: StoredSession;
  /** Opaque; changes on every write (Table: the ETag). Pass it to `replace`. */
  version: string;
}

/** Longest shared value a store keeps (a Table string property holds 32 K UTF-16 units). */
export const SHARED_VALUE_MAX_LENGTH = 30_000;

/** The moment a session stops being valid: the earlier of its absolute and idle deadlines (epoch ms). */
export function sessionDeadline(s: Pick<StoredSession, 'expiresAt' | 'idleExpiresAt'>): number {
  return s.idleExpiresAt === undefined ? s.expiresAt : Math.min(s.expiresAt, s.idleExpiresAt);
}

/**
 * Server-side sessions shared by every app instance, so no sticky sessions are needed and a
 * back-channel logout received by one instance ends the session for all of them.
 *
 * Every store:
 * - treats a session as gone once `sessionDeadline(session)` is past (it may delete it then,
 *   and may expire it natively at that moment, e.g. a Redis PEXPIREAT, updated on every write);
 * - gives each write a new `version`, and makes `replace` succeed only if the stored version is
 *   still the expected one (compare-and-swap; no lost updates between instances);
 * - keeps `claimOnce` keys in their own keyspace, apart from sessions (not matched by `deleteWhere`);
 * - keeps shared values (`putValue`) in another keyspace of their own, each until its expiry: what
 *   every instance that shares the sessions must also share (exchanged tokens per session and audience).
 */
export abstract class SessionStore {
  abstract readonly kind: string;
  /** The session and its current version; undefined when absent or past its deadline. */
  abstract getVersioned(id: string): Promise<VersionedSession | undefined>;
  /** Unconditional write (a new session). Returns the new version. */
  abstract put(session: StoredSession): Promise<string>;
  /**
   * Writes `session` only if the stored row still has `expectedVersion`, and returns the new
   * version. Undefined when another write came first, or the session is gone (deleted or past its
   * deadline): re-read then. Never creates a row.
   */
  abstract replace(session: StoredSession, expectedVersion: string): Promise<string | undefined>;
  abstract delete(id: string): Promise<void>;
  /** Ends every session of an IdP session (`sid`) or, without one, of a user (`sub`). Returns the count. */
  abstract deleteWhere(match: { idpSid?: string; sub?: string }): Promise<number>;
  /**
   * True for the first caller (on any instance) to claim `key` within `ttlSeconds`, false for every
   * later caller until the claim expires (back-channel logout `jti` replay). Keys are arbitrary
   * strings (stores hash or escape them as their key rules need).
   */
  abstract claimOnce(key: string, ttlSeconds: number): Promise<boolean>;
  /**
   * Keeps `value` under `key` until `expiresAt` (epoch ms), for every instance that shares this
   * store. Keys are arbitrary strings (hashed by the stores); a value is at most SHARED_VALUE_MAX_LENGTH.
   */
  abstract putValue(key: string, value: string, expiresAt: number): Promise<void>;
  /** The value under `key`, undefined once it has expired or was deleted. */
  abstract getValue(key: string): Promise<string | undefined>;
  abstract deleteValue(key: string): Promise<void>;

  async get(id: string): Promise<StoredSession | undefined> {
    return (await this.getVersioned(id))?.session;
  }
  /**
   * Deletes sessions past their deadline and claims past their time, which nothing reads again
   * (every shared row has a lifetime). Returns how many went. Stores that expire keys natively
   * (Redis) have nothing to do.
   */
  async sweepExpired(): Promise<number> {
    return 0;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
