import { timingSafeEqual } from 'node:crypto';

/**
 * The scrape token for METRICS_AUTH=token (/metrics, and readiness details). Observability only
 * checks it; where it comes from (the secret store, in this service) is the secrets module's
 * provider, so observability depends on no feature.
 */
export abstract class MetricsToken {
  abstract read(): Promise<string>;

  /** Whether an Authorization header presents the token. */
  async allows(authorization: string | undefined): Promise<boolean> {
    return bearerMatches(authorization, await this.read());
  }
}

/** `Bearer <expected>`, compared in constant time. */
export function bearerMatches(header: string | undefined, expected: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
