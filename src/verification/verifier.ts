import type { RequestWithUser } from '../auth/auth-user.js';
import { ownerOf } from '../codes/code-owner.js';
import type { Verifier } from './verification.service.js';

/** Who is verifying: the signed-in owner (the guard sets req.user on public routes too) and the client address. */
export function verifierOf(req: RequestWithUser): Verifier {
  const owner = ownerOf(req.user);
  return { ...(owner ? { owner } : {}), client: req.ip ?? req.socket?.remoteAddress ?? 'unknown' };
}
