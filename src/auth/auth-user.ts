import type { Request } from 'express';

/** The caller, as guards and controllers see it. */
export interface AuthUser {
  sub: string;
  name: string;
  email?: string;
  roles: string[];
  /** How the caller proved who they are. */
  via: 'session' | 'bearer';
  /** Set for a browser session (never sent to the browser). */
  sessionId?: string;
  /** The token to forward downstream: the session's (refreshed) one, or the caller's Bearer token. */
  accessToken?: string;
}

export type RequestWithUser = Request & { user?: AuthUser };
