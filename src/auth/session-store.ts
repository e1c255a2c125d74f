/** What the server keeps for one signed-in browser. Tokens never leave the server. */
export interface StoredSession {
  id: string;
  sub: string;
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
  expiresAt: number;
}

/**
 * Server-side sessions shared by every app instance, so no sticky sessions are needed and a
 * back-channel logout received by one instance ends the session for all of them.
 */
export abstract class SessionStore {
  abstract readonly kind: string;
  abstract get(id: string): Promise<StoredSession | undefined>;
  abstract put(session: StoredSession): Promise<void>;
  abstract delete(id: string): Promise<void>;
  /** Ends every session of an IdP session (`sid`) or, without one, of a user (`sub`). Returns the count. */
  abstract deleteWhere(match: { idpSid?: string; sub?: string }): Promise<number>;
  close(): Promise<void> {
    return Promise.resolve();
  }
}
