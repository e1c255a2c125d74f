import type { AuthUser } from '../auth/auth-user.js';
import type { CodeOwner } from '../code-table/code-table.js';

/**
 * The owner a code is bound to: the signed-in caller's `sub`, plus the issuer when the user object
 * carries one (several issuers, e.g. Entra multi-tenant, where `sub` is unique only per issuer).
 * Anonymous callers own nothing.
 */
export function ownerOf(user: AuthUser | undefined): CodeOwner | undefined {
  if (!user?.sub) return undefined;
  const issuer = (user as AuthUser & { issuer?: unknown; iss?: unknown }).issuer ?? (user as { iss?: unknown }).iss;
  return { subject: user.sub, ...(typeof issuer === 'string' && issuer ? { issuer } : {}) };
}
