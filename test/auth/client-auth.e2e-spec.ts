import { generateKeyPairSync } from 'node:crypto';
import * as client from 'openid-client';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { OidcClient } from '../../src/auth/oidc/oidc-client.js';
import type { ClientAuthMethod } from '../../src/auth/oidc/oidc.config.js';
import { SessionsService } from '../../src/auth/sessions/sessions.service.js';
import type { DevIdpClientAuth } from '../../src/dev/dev-idp/dev-idp.provider.js';
import { startDevIdp, type RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { devIdpClientFor, FEDERATED_AUDIENCE } from '../../src/dev/dev-idp/dev-idp.config.js';
import { KeyVaultKeysDouble } from '../support/key-vault-keys-double.js';
import { ManagedIdentityDouble } from '../support/managed-identity-double.js';
import { CLIENT_ID, CLIENT_SECRET, HttpBrowser, SESSION_SECRET, freePort, login, startAuthApp, type AuthApp } from './support/oidc-harness.js';
import { recordClientCalls, registerTokenExchange, TOKEN_EXCHANGE, type RecordedClientCall } from './support/client-auth-recorder.js';

const COOKIE = 'app_session';
const KEY_NAME = 'oidc-client-key';

/** What the IdP must see for each AUTH_CLIENT_AUTH (the federated client is checked in front of oidc-provider, then passed on with its internal secret). */
const EXPECTED_AT_IDP: Record<ClientAuthMethod, string> = {
  client_secret_basic: 'client_secret_basic',
  client_secret_post: 'client_secret_post',
  private_key_jwt: 'private_key_jwt',
  federated: 'client_secret_post',
  none: 'none',
};

interface Case {
  name: string;
  method: ClientAuthMethod;
  /** The app's environment beyond the harness's (which sets SECRET_OIDC_CLIENT_SECRET: removed unless the method uses it). */
  env: () => Record<string, string>;
  /** The client registration at the IdP (its JWKS URL needs the app's URL). */
  registration: (appUrl: string) => DevIdpClientAuth;
  /** What else must hold once every grant of the case has run. */
  finally?: { name: string; check: () => void };
}

/**
 * AUTH_CLIENT_AUTH end to end, against a real oidc-provider that registers the client for exactly
 * one method (anything else is refused): the authorization-code grant, refresh, introspection,
 * token exchange and revocation all go through the app's one openid-client Configuration, and each
 * reaches the IdP authenticated as configured. private_key_jwt signs with a local key and with a
 * Key Vault key (the real KeyClient/CryptographyClient against the Key Vault double, managed
 * identity from its double); federated sends the managed-identity double's token for
 * api://AzureADTokenExchange, which the dev IdP trusts as a federated credential.
 */
describe('client authentication (AUTH_CLIENT_AUTH) on every grant', () => {
  let identity: ManagedIdentityDouble;
  let vault: KeyVaultKeysDouble;
  const savedEnv = { ...process.env };
  const localKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

  beforeAll(async () => {
    identity = await new ManagedIdentityDouble().start();
    vault = await new KeyVaultKeysDouble().start();
    // The app's one DefaultAzureCredential (managed identity) finds the identity double here.
    Object.assign(process.env, identity.credentialEnv());
    await vault.createKey(KEY_NAME);
    vault.secrets.set('session-secret', SESSION_SECRET);
    vault.secrets.set('third-party-api-key', 'unused');
  });

  afterAll(async () => {
    process.env = savedEnv;
    await vault?.stop();
    await identity?.stop();
  });

  const jwksOf = (appUrl: string) => ({ method: 'private_key_jwt' as const, jwksUri: `${appUrl}/.well-known/jwks.json` });
  const cases: Case[] = [
    { name: 'client_secret_basic', method: 'client_secret_basic', env: () => ({}), registration: () => ({ method: 'client_secret_basic', secret: CLIENT_SECRET }) },
    { name: 'client_secret_post', method: 'client_secret_post', env: () => ({}), registration: () => ({ method: 'client_secret_post', secret: CLIENT_SECRET }) },
    {
      name: 'private_key_jwt, a local key (SECRET_OIDC_CLIENT_KEY)',
      method: 'private_key_jwt',
      env: () => ({ SECRET_OIDC_CLIENT_KEY: JSON.stringify(localKey) }),
      registration: jwksOf,
    },
    {
      name: 'private_key_jwt, a Key Vault key signing in the vault',
      method: 'private_key_jwt',
      env: () => ({ SECRETS_PROVIDER: 'keyvault', KEY_VAULT_URL: vault.vaultUrl, KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: 'true' }),
      registration: jwksOf,
      finally: {
        name: 'every assertion was signed in the vault (RS256 over its digest), the private key never read',
        check: () => {
          expect(vault.signatures.filter((s) => s.name === KEY_NAME && s.algorithm === 'RS256').length).toBeGreaterThanOrEqual(5);
          expect(vault.signatures.every((s) => s.algorithm === 'RS256')).toBe(true);
        },
      },
    },
    {
      name: 'federated (managed identity token for api://AzureADTokenExchange)',
      method: 'federated',
      env: () => ({}),
      registration: () => ({ method: 'federated', credential: { issuer: identity.issuer, subject: identity.principalId, audience: FEDERATED_AUDIENCE } }),
      finally: {
        name: 'the assertions were the managed identity\'s tokens for api://AzureADTokenExchange, checked by the IdP as a federated credential',
        check: () => expect(identity.requestedResources).toContain('api://AzureADTokenExchange'),
      },
    },
    { name: 'none (public client)', method: 'none', env: () => ({}), registration: () => ({ method: 'none' }) },
  ];

  describe.each(cases)('$name', ({ method, env, registration, finally: last }) => {
    let idp: RunningDevIdp;
    let app: AuthApp;
    let calls: RecordedClientCall[];
    let cookie: string;

    beforeAll(async () => {
      const port = await freePort();
      const appUrl = `http://127.0.0.1:${port}`;
      idp = await startDevIdp({ clients: [{ ...devIdpClientFor(appUrl, CLIENT_ID, registration(appUrl)), extraGrantTypes: [TOKEN_EXCHANGE] }], accessTokenFormat: 'opaque' });
      registerTokenExchange(idp);
      calls = recordClientCalls(idp);
      const secretMethod = method === 'client_secret_basic' || method === 'client_secret_post';
      app = await startAuthApp(port, {
        AUTH_PROVIDER: 'dev',
        OIDC_ISSUER_URL: idp.issuer,
        AUTH_SESSION_STORE: 'memory',
        AUTH_CLIENT_AUTH: method,
        // No client secret anywhere unless the method is a secret.
        SECRET_OIDC_CLIENT_SECRET: secretMethod ? CLIENT_SECRET : undefined,
        // Opaque access tokens: Bearer callers are checked by introspection (a public client cannot introspect for others).
        AUTH_BEARER: method === 'none' ? 'off' : 'introspection',
        AUTH_INTROSPECTION_CACHE_SECONDS: '0',
        // Every signed-in request is due a refresh (the access token lives 300 s).
        AUTH_REFRESH_BEFORE_SECONDS: '3600',
        ...env(),
      });
      const browser = new HttpBrowser();
      await login(browser, app.url);
      cookie = browser.cookies(app.url).get(COOKIE)!;
      expect(cookie).toBeTruthy();
    }, 60_000);

    afterAll(async () => {
      await app?.close();
      await idp?.close();
    });

    const session = async () => (await app.app.get(SessionsService).fromCookie(cookie))!;
    const configuration = () => app.app.get(OidcClient).configuration();
    /** The calls to `route` since `from`, each of which must have authenticated as configured. */
    const expectAuthenticated = (from: number, route: string, grantType?: string) => {
      const made = calls.slice(from).filter((c) => c.route === route && (!grantType || c.grantType === grantType));
      expect(made.length).toBeGreaterThan(0);
      for (const call of made) expect(call).toMatchObject({ authMethod: EXPECTED_AT_IDP[method], status: 200 });
      return made;
    };

    it('authorization code grant: the login completed with the configured method', () => {
      const [call] = expectAuthenticated(0, 'token', 'authorization_code');
      expect(call!.basicHeader).toBe(method === 'client_secret_basic');
      expect(call!.secretInBody).toBe(method === 'client_secret_post' || method === 'federated');
      expect(call!.assertion === undefined).toBe(method !== 'private_key_jwt');
    });

    it('refresh grant (the app refreshing a session that is due): the same method', async () => {
      const before = calls.length;
      const me = await fetch(`${app.url}/auth/me`, { headers: { cookie: `${COOKIE}=${cookie}` } });
      expect(me.status).toBe(200);
      expectAuthenticated(before, 'token', 'refresh_token');
    });

    it('introspection: the same method', async () => {
      const before = calls.length;
      const { accessToken } = await session();
      if (method === 'none') {
        // A public client introspects only its own tokens (oidc-provider's policy); the app refuses AUTH_BEARER=introspection with it.
        expect(await app.app.get(OidcClient).introspect(accessToken)).toMatchObject({ active: true });
      } else {
        const me = await fetch(`${app.url}/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } });
        expect(me.status).toBe(200);
        expect(await me.json()).toMatchObject({ via: 'bearer' });
      }
      expectAuthenticated(before, 'introspection');
    });

    it('token exchange (RFC 8693) through the one Configuration: the same method', async () => {
      const before = calls.length;
      const { accessToken } = await session();
      const exchanged = await client.genericGrantRequest(await configuration(), TOKEN_EXCHANGE, {
        subject_token: accessToken,
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        audience: 'downstream-api',
      });
      expect(exchanged.access_token).toBe('exchanged-for-downstream-api');
      expectAuthenticated(before, 'token', TOKEN_EXCHANGE);
    });

    it('revocation (RFC 7009) through the one Configuration: the same method, and the refresh token is dead', async () => {
      const before = calls.length;
      const { refreshToken } = await session();
      await client.tokenRevocation(await configuration(), refreshToken!, { token_type_hint: 'refresh_token' });
      expectAuthenticated(before, 'revocation');
      await expect(client.refreshTokenGrant(await configuration(), refreshToken!)).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    if (method === 'private_key_jwt') {
      it('each assertion is fresh (unique jti, exp at most 60 s after iat), names the client and the issuer, and verifies with the JWKS the app serves', async () => {
        const assertions = calls.map((c) => c.assertion).filter((a): a is string => !!a);
        expect(assertions.length).toBeGreaterThanOrEqual(5);
        const jwks = (await (await fetch(`${app.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
        expect(jwks.keys.length).toBeGreaterThan(0);
        for (const key of jwks.keys) expect(Object.keys(key)).not.toEqual(expect.arrayContaining(['d']));
        const keys = createLocalJWKSet(jwks);
        for (const assertion of assertions) {
          const { payload } = await jwtVerify(assertion, keys, { issuer: CLIENT_ID, subject: CLIENT_ID, audience: idp.issuer });
          expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(60);
          expect(decodeProtectedHeader(assertion)).toMatchObject({ alg: 'RS256', typ: 'JWT' });
        }
        expect(new Set(assertions.map((a) => decodeJwt(a).jti)).size).toBe(assertions.length);
      });
    }

    if (last) it(last.name, last.check);
  });
});
