import { z } from 'zod';
import { defineConfigSection } from '../config/config-section.js';

export const AUTH_PROVIDERS = ['keycloak', 'entra', 'oidc', 'dev', 'none'] as const;
export type AuthProvider = (typeof AUTH_PROVIDERS)[number];

/**
 * Whether users sign in, and with which kind of IdP (AUTH_PROVIDER). Each room of auth has its own
 * section: the IdP and client (oidc/), sessions and their cookie (sessions/), Bearer tokens
 * (bearer/) and the default route policy (guard/). With `none` the guard lets every request through
 * and nothing is contacted.
 */
export class AuthConfig {
  readonly provider!: AuthProvider;
  get enabled(): boolean {
    return this.provider !== 'none';
  }
}

export const authConfigSection = defineConfigSection(
  'auth',
  AuthConfig,
  z.object({ AUTH_PROVIDER: z.enum(AUTH_PROVIDERS).default('none') }),
  (v) => Object.assign(Object.create(AuthConfig.prototype) as AuthConfig, { provider: v.AUTH_PROVIDER }),
);
