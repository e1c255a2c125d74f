import type { AuthUser } from '../auth/auth-user.js';
import type { CodeOwner } from '../code-table/code-table.js';

/**
 * The owner a code is bound to: the signed-in caller's `sub` and the issuer that vouched for it (a
 * subject is unique only per issuer, e.g. Entra multi-tenant). Anonymous callers own nothing.
 */
export function ownerOf(user: AuthUser | undefined): CodeOwner | undefined {
  if (!user?.sub) return undefined;
  return { subject: user.sub, ...(user.iss ? { issuer: user.iss } : {}) };
}
