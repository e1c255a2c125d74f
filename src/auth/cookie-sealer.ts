import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encrypts and authenticates small cookie payloads with AES-256-GCM under a key derived (HKDF)
 * from the session secret, with a purpose label so a login-transaction cookie can never be
 * replayed as a session cookie. A tampered, truncated or foreign (other key) value opens to
 * undefined.
 */
export class CookieSealer {
  private readonly key: Buffer;

  constructor(secret: string, purpose: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'integrated-auth-cookie', purpose, 32));
  }

  seal(payload: object): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  open<T>(value: string | undefined): T | undefined {
    if (typeof value !== 'string' || !value || value.length > 4096) return undefined;
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
      return JSON.parse(text) as T;
    } catch {
      return undefined;
    }
  }
}
