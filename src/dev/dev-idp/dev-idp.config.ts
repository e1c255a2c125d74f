import { z } from 'zod';
import { defineConfigSection, envBoolean, envInt, optionalUrl } from '../../config/config-section.js';
import { runtimeConfigSection } from '../../config/runtime.config.js';
import { oidcConfigSection } from '../../auth/oidc/oidc.config.js';

/** The embedded development IdP (`npm start` runs it on http://localhost:4000). */
export class DevIdpConfig {
  readonly port!: number;
  readonly host!: string;
  readonly issuer!: string;
  readonly clientId!: string;
  readonly clientSecret!: string;
  /** The app's public base URL: redirect, post-logout and back-channel URIs are registered from it. */
  readonly appBaseUrl!: string;
  /** A new refresh token on every refresh (reuse of a spent one revokes the grant). */
  readonly rotateRefreshToken!: boolean;
}

export const devIdpConfigSection = defineConfigSection(
  'devIdp',
  DevIdpConfig,
  z.object({
    DEV_IDP_PORT: envInt(4000, 0, 65535),
    DEV_IDP_HOST: z.string().default('127.0.0.1'),
    DEV_IDP_ISSUER: optionalUrl(),
    // The dev IdP's own copy of the client secret: the app reads its copy from the secret store.
    SECRET_OIDC_CLIENT_SECRET: z.string().default('dev-client-secret'),
    DEV_IDP_ROTATE_REFRESH_TOKENS: envBoolean(true),
  }),
  // The app's client (OIDC_CLIENT_ID) and public base URL, as the app's own sections read them.
  (v, _env, config) => ({
    port: v.DEV_IDP_PORT,
    host: v.DEV_IDP_HOST,
    issuer: v.DEV_IDP_ISSUER ?? `http://localhost:${v.DEV_IDP_PORT}`,
    clientId: config.get(oidcConfigSection).clientId || 'integrated-auth-app',
    clientSecret: v.SECRET_OIDC_CLIENT_SECRET,
    appBaseUrl: config.get(runtimeConfigSection).publicBaseUrl,
    rotateRefreshToken: v.DEV_IDP_ROTATE_REFRESH_TOKENS,
  }),
  {
    reads: [runtimeConfigSection, oidcConfigSection],
    checks: [
      (_idp, config) =>
        config.get(runtimeConfigSection).isProduction ? ['NODE_ENV: the dev IdP refuses to run with NODE_ENV=production (its demo password is published)'] : [],
    ],
  },
);

/** The app's client registration at the dev IdP, derived from its public base URL. */
export function devIdpClientFor(appBaseUrl: string, clientId: string, clientSecret: string) {
  const base = appBaseUrl.replace(/\/+$/, '');
  return {
    clientId,
    clientSecret,
    redirectUris: [`${base}/auth/callback`],
    postLogoutRedirectUris: [`${base}/`],
    backchannelLogoutUri: `${base}/auth/backchannel-logout`,
  };
}
