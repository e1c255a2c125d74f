import { z } from 'zod';
import { defineConfigSection, envBoolean, envInt, optionalUrl } from '../../config/config-section.js';
import { runtimeConfigSection } from '../../config/runtime.config.js';
import { oidcConfigSection } from '../../auth/oidc/oidc.config.js';
import type { DevIdpClient, DevIdpClientAuth } from './dev-idp.provider.js';

/** The audience Entra's federated credentials use for managed-identity tokens. */
export const FEDERATED_AUDIENCE = 'api://AzureADTokenExchange';
/** Where the app publishes its private_key_jwt keys (ClientJwksController). */
const APP_JWKS_PATH = '/.well-known/jwks.json';

/** The embedded development IdP (`npm start` runs it on http://localhost:4000). */
export class DevIdpConfig {
  readonly port!: number;
  readonly host!: string;
  readonly issuer!: string;
  readonly clientId!: string;
  /** How the app's client authenticates, as the app's AUTH_CLIENT_AUTH says: the registration follows it. */
  readonly clientAuth!: DevIdpClientAuth;
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
    // The dev IdP's own copy of the client secret (secret methods only): the app reads its copy from the secret store.
    SECRET_OIDC_CLIENT_SECRET: z.string().default('dev-client-secret'),
    // private_key_jwt: where the dev IdP fetches the app's public keys (default: the app's own JWKS route).
    DEV_IDP_CLIENT_JWKS_URL: optionalUrl(),
    // federated: the issuer and subject of the tokens the dev IdP accepts as the app's assertion.
    DEV_IDP_FEDERATED_ISSUER: optionalUrl(),
    DEV_IDP_FEDERATED_SUBJECT: z.string().optional(),
    DEV_IDP_ROTATE_REFRESH_TOKENS: envBoolean(true),
  }),
  // The app's client (OIDC_CLIENT_ID) and public base URL, as the app's own sections read them.
  (v, _env, config) => {
    const appBaseUrl = config.get(runtimeConfigSection).publicBaseUrl;
    const method = config.get(oidcConfigSection).clientAuth;
    let clientAuth: DevIdpClientAuth;
    if (method === 'private_key_jwt') clientAuth = { method, jwksUri: v.DEV_IDP_CLIENT_JWKS_URL ?? new URL(APP_JWKS_PATH, appBaseUrl).href };
    else if (method === 'federated') {
      clientAuth = { method, credential: { issuer: v.DEV_IDP_FEDERATED_ISSUER ?? '', subject: v.DEV_IDP_FEDERATED_SUBJECT ?? '', audience: FEDERATED_AUDIENCE } };
    } else if (method === 'none') clientAuth = { method };
    else clientAuth = { method, secret: v.SECRET_OIDC_CLIENT_SECRET };
    return {
      port: v.DEV_IDP_PORT,
      host: v.DEV_IDP_HOST,
      issuer: v.DEV_IDP_ISSUER ?? `http://localhost:${v.DEV_IDP_PORT}`,
      clientId: config.get(oidcConfigSection).clientId || 'integrated-auth-app',
      clientAuth,
      appBaseUrl,
      rotateRefreshToken: v.DEV_IDP_ROTATE_REFRESH_TOKENS,
    };
  },
  {
    reads: [runtimeConfigSection, oidcConfigSection],
    checks: [
      (_idp, config) =>
        config.get(runtimeConfigSection).isProduction ? ['NODE_ENV: the dev IdP refuses to run with NODE_ENV=production (its demo password is published)'] : [],
      (idp) =>
        idp.clientAuth.method === 'federated' && !(idp.clientAuth.credential.issuer && idp.clientAuth.credential.subject)
          ? ['DEV_IDP_FEDERATED_ISSUER: AUTH_CLIENT_AUTH=federated needs the trusted issuer and DEV_IDP_FEDERATED_SUBJECT (the identity\'s principal id)']
          : [],
    ],
  },
);

/** The app's client registration at the dev IdP, derived from its public base URL; a string is a client_secret_basic secret. */
export function devIdpClientFor(appBaseUrl: string, clientId: string, auth: string | DevIdpClientAuth): DevIdpClient {
  const base = appBaseUrl.replace(/\/+$/, '');
  return {
    clientId,
    ...(typeof auth === 'string' ? { clientSecret: auth } : { auth }),
    redirectUris: [`${base}/auth/callback`],
    postLogoutRedirectUris: [`${base}/`],
    backchannelLogoutUri: `${base}/auth/backchannel-logout`,
  };
}
