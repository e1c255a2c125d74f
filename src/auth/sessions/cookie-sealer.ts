import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { SecretsService } from '../../secrets/secrets.service.js';
import { SessionsConfig } from './sessions.config.js';

/**
 * Encrypts and authenticates small cookie payloads with AES-256-GCM under keys derived (HKDF) from
 * the session secret's versions, with a purpose label so a login-transaction cookie can never be
 * replayed as a session cookie. It seals with the newest version and opens with any of them (a
 * rotation signs nobody out); a tampered, truncated or foreign (other key) value opens to undefined.
 */
export class CookieSealer {
  // KeyObjects made once: given raw bytes, every createCipheriv/createDecipheriv builds one
  // again (4–5× the cost of the AES-GCM work on a cookie; it was most of a signed-in request's
  // crypto time in the Login bench's profile). The first seals.
  private readonly keys: KeyObject[];
  /**
   * Values that opened, by their exact string, at most `openedCacheSize` (oldest out first). A
   * sealed value is authenticated ciphertext, so the same string always opens to the same payload:
   * a signed-in browser sends one cookie value for the whole session, and this skips the base64
   * and AES-GCM work on all but its first request. Only successful opens are kept (a flood of
   * junk cannot evict them faster than it could anyway, and is never remembered), and payloads are
   * frozen so no caller can change another's.
   */
  private readonly opened = new Map<string, object>();

  /** `secrets`: the session secret, or its versions newest first. */
  constructor(
    secrets: string | readonly string[],
    purpose: string,
    private readonly openedCacheSize = 0,
  ) {
    const versions = typeof secrets === 'string' ? [secrets] : secrets;
    if (!versions.length) throw new Error('CookieSealer needs at least one secret');
    this.keys = versions.map((secret) => createSecretKey(Buffer.from(hkdfSync('sha256', secret, 'integrated-auth-cookie', purpose, 32))));
  }

  seal(payload: object): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0]!, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  open<T>(value: string | undefined): T | undefined {
    if (typeof value !== 'string' || !value || value.length > 4096) return undefined;
    const known = this.opened.get(value);
    if (known) return known as T;
    const payload = this.decrypt(value);
    if (this.openedCacheSize > 0 && typeof payload === 'object' && payload !== null) {
      if (this.opened.size >= this.openedCacheSize) this.opened.delete(this.opened.keys().next().value!);
      this.opened.set(value, Object.freeze(payload));
    }
    return payload as T | undefined;
  }

  /** Number of values remembered as opened (for tests). */
  get openedCount(): number {
    return this.opened.size;
  }

  private decrypt(value: string): unknown {
    // Node's base64 decoder skips characters outside the alphabet and ignores trailing bits, so
    // several strings decode to the same bytes: accept only the one canonical encoding.
    if (!/^[\w-]+$/.test(value)) return undefined;
    const raw = Buffer.from(value, 'base64url');
    if (raw.toString('base64url') !== value) return undefined;
    if (raw.length < 12 + 16 + 2) return undefined;
    for (const key of this.keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(raw.length - 16));
        const text = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
        return JSON.parse(text) as unknown;
      } catch {
        // Not this version's: try the next.
      }
    }
    return undefined;
  }
}

/** Session cookie values remembered as opened per instance: one per signed-in browser. */
const OPENED_SESSION_COOKIES = 10_000;
/**
 * A cookie none of the known versions opens makes the instance look for versions it has not seen
 * (another instance may seal with a newer one already), at most this often: junk cookies cannot
 * turn into a read of the secret store per request.
 */
export const UNOPENED_REREAD_MS = 5000;

interface Sealers {
  versions: readonly string[];
  session: CookieSealer;
  transaction: CookieSealer;
}

/**
 * The sealers of the session cookie and the login-transaction cookie, keyed by the session
 * secret's versions (AUTH_SESSION_SECRET_NAME, the newest AUTH_SESSION_SECRET_VERSIONS of them).
 * Each instance re-reads the versions every AUTH_SESSION_SECRET_REFRESH_SECONDS and derives its
 * keys again when they changed: a rotation is picked up live, and once an old version is dropped
 * its cookies stop opening (the opened-values cache goes with the old sealers). A failed read is
 * tried again on the next use; the versions already held are kept meanwhile.
 */
@Injectable()
export class CookieSealers {
  private current?: Sealers;

  constructor(
    private readonly secrets: SecretsService,
    private readonly config: SessionsConfig,
    private readonly clock: Clock,
  ) {}

  async session(): Promise<CookieSealer> {
    return (await this.sealers()).session;
  }

  async transaction(): Promise<CookieSealer> {
    return (await this.sealers()).transaction;
  }

  /** Opens a session cookie; a value no version opens makes the instance look for a newer version first. */
  openSession<T>(value: string | undefined): Promise<T | undefined> {
    return this.open((s) => s.session, value);
  }

  /** Opens a login-transaction cookie, like openSession. */
  openTransaction<T>(value: string | undefined): Promise<T | undefined> {
    return this.open((s) => s.transaction, value);
  }

  private async open<T>(pick: (s: Sealers) => CookieSealer, value: string | undefined): Promise<T | undefined> {
    const opened = pick(await this.sealers()).open<T>(value);
    if (opened !== undefined || !value) return opened;
    const name = this.config.sessionSecretName;
    const versions = await this.secrets.refreshVersions(name, this.config.sessionSecretVersions, UNOPENED_REREAD_MS).catch(() => undefined);
    if (!versions || sameVersions(versions, this.current?.versions)) return undefined;
    return pick(this.derive(versions)).open<T>(value);
  }

  private async sealers(): Promise<Sealers> {
    const versions = await this.secrets.versions(this.config.sessionSecretName, this.config.sessionSecretVersions, this.config.sessionSecretRefreshMs);
    return sameVersions(versions, this.current?.versions) ? this.current! : this.derive(versions);
  }

  private derive(versions: readonly string[]): Sealers {
    if (!sameVersions(versions, this.current?.versions)) {
      this.current = {
        versions,
        session: new CookieSealer(versions, 'session', OPENED_SESSION_COOKIES),
        transaction: new CookieSealer(versions, 'login-transaction'),
      };
    }
    return this.current!;
  }
}

function sameVersions(a: readonly string[], b: readonly string[] | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
}
