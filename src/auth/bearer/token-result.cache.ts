import { createHash } from 'node:crypto';

/**
 * Remembers what was decided about a Bearer token (a verified JWT's claims, an introspection
 * answer, or a refusal) so the same token is not verified or introspected again on every request.
 *
 * - Keys are SHA-256 digests: the cache never holds a usable token.
 * - Bounded: past `maxEntries` the least recently used entry goes (a Map keeps insertion order;
 *   a hit moves its entry to the end).
 * - Every entry has an absolute expiry, which callers set no later than the token's own `exp`:
 *   an expired token is never answered from the cache, it is checked again (and refused).
 */
export class TokenResultCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  static keyOf(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
  }

  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= now) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value` until `expiresAt` (epoch ms); nothing is stored if that is not in the future. */
  set(key: string, value: V, expiresAt: number, now: number): void {
    if (this.maxEntries <= 0 || !(expiresAt > now)) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
