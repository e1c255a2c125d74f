import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SecretsService } from '../../secrets/secrets.service.js';
import { SessionsConfig } from './sessions.config.js';

/**
 * Encrypts and authenticates small cookie payloads with AES-256-GCM under a key derived (HKDF)
 * from the session secret, with a purpose label so a login-transaction cookie can never be
 * replayed as a session cookie. A tampered, truncated or foreign (other key) value opens to
 * undefined.
 */
export class CookieSealer {
  // A KeyObject made once: given raw bytes, every createCipheriv/createDecipheriv builds one
  // again (4–5× the cost of the AES-GCM work on a cookie; it was most of a signed-in request's
  // crypto time in the Login bench's profile).
  private readonly key: KeyObject;
  /**
   * Values that opened, by their exact string, at most `openedCacheSize` (oldest out first). A
   * sealed value is authenticated ciphertext, so the same string always opens to the same payload:
   * a signed-in browser sends one cookie value for the whole session, and this skips the base64
   * and AES-GCM work on all but its first request. Only successful opens are kept (a flood of
   * junk cannot evict them faster than it could anyway, and is never remembered), and payloads are
   * frozen so no caller can change another's.
   */
  private readonly opened = new Map<string, object>();

  constructor(
    secret: string,
    purpose: string,
    private readonly openedCacheSize = 0,
  ) {
    this.key = createSecretKey(Buffer.from(hkdfSync('sha256', secret, 'integrated-auth-cookie', purpose, 32)));
  }

  seal(payload: object): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
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
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      const text = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }
}

/** Session cookie values remembered as opened per instance: one per signed-in browser. */
const OPENED_SESSION_COOKIES = 10_000;

/**
 * The two sealers keyed by the session secret (AUTH_SESSION_SECRET_NAME): the session cookie's and
 * the login transaction cookie's. Derived once the secret is read; a failed read is tried again on
 * the next use.
 */
@Injectable()
export class CookieSealers {
  private sealers?: Promise<{ session: CookieSealer; transaction: CookieSealer }>;

  constructor(
    private readonly secrets: SecretsService,
    private readonly config: SessionsConfig,
  ) {}

  async session(): Promise<CookieSealer> {
    return (await this.both()).session;
  }

  async transaction(): Promise<CookieSealer> {
    return (await this.both()).transaction;
  }

  private both(): Promise<{ session: CookieSealer; transaction: CookieSealer }> {
    this.sealers ??= this.secrets.get(this.config.sessionSecretName).then(
      (secret) => ({ session: new CookieSealer(secret, 'session', OPENED_SESSION_COOKIES), transaction: new CookieSealer(secret, 'login-transaction') }),
      (error: unknown) => {
        this.sealers = undefined;
        throw error;
      },
    );
    return this.sealers;
  }
}
