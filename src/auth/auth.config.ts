import { z } from 'zod';
import { defineConfigSection } from '../config/config-section.js';
import { redisConfigSection } from '../redis/redis.config.js';
import { authBearerShape, type AuthBearerSettings, deriveAuthBearer, refineAuthBearer } from './auth-bearer.config.js';
import { authIdpShape, type AuthIdpSettings, deriveAuthIdp, refineAuthIdp } from './auth-idp.config.js';
import { authSessionShape, type AuthSessionSettings, deriveAuthSession, refineAuthCookie, refineAuthSessionStore } from './auth-session.config.js';
import { deriveRoutePolicy, routePolicyShape, type RoutePolicySettings } from './route-policy.js';

/**
 * Who signs users in (AUTH_PROVIDER) and how sessions and Bearer tokens are checked. One section,
 * composed of its parts: the IdP and client (auth-idp.config.ts), sessions and their cookie
 * (auth-session.config.ts), Bearer tokens (auth-bearer.config.ts) and the default route policy
 * (route-policy.ts). The class is the DI token; its fields are the parts' settings (declared by the
 * interface merged with it, set by the parts' derive functions).
 */
export interface AuthConfig extends AuthIdpSettings, AuthSessionSettings, AuthBearerSettings, RoutePolicySettings {}
export class AuthConfig {
  get enabled(): boolean {
    return this.provider !== 'none';
  }
  get redirectUri(): string {
    return new URL('/auth/callback', this.publicBaseUrl).toString();
  }
}

export const authConfigSection = defineConfigSection(
  'auth',
  AuthConfig,
  z
    .object({ ...authIdpShape, ...authBearerShape, ...authSessionShape, ...routePolicyShape })
    .superRefine((v, ctx) => {
      if (v.AUTH_PROVIDER === 'none') return;
      refineAuthCookie(v, ctx);
      refineAuthIdp(v, ctx);
      refineAuthBearer(v, ctx);
      refineAuthSessionStore(v, ctx);
    }),
  (v) => {
    const idp = deriveAuthIdp(v);
    return Object.assign(Object.create(AuthConfig.prototype) as AuthConfig, {
      ...idp,
      ...deriveAuthBearer(v, idp),
      ...deriveAuthSession(v, idp),
      ...deriveRoutePolicy(v),
    } satisfies Omit<AuthConfig, 'enabled' | 'redirectUri'>);
  },
  {
    // Sessions cannot be read without their store: readiness fails while it is down.
    needs: (auth) => (auth.enabled && auth.sessionStore === 'redis' ? [{ section: redisConfigSection, by: 'AUTH_SESSION_STORE=redis', essential: true }] : []),
  },
);
