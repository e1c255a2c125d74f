import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SystemClock } from '../../common/clock.js';
import { loadConfig } from '../../config/load-config.js';
import { authConfigSection } from '../auth.config.js';
import { SecretClientAuthentication } from '../client-auth/secret-client-authentication.js';
import { IdpProbes } from './idp-probes.js';
import { OidcClient } from './oidc-client.js';
import { type OidcConfig, oidcConfigSection } from './oidc.config.js';

interface Scripted {
  authorize: { status: number; body?: string; location?: string };
  token: { status: number; body: object };
  /** The IdP's Date header, this far from the real time. */
  dateOffsetMs: number;
  methods?: string[];
}

/** An IdP as the probes meet it: its discovery, an authorization endpoint and a token endpoint answering as scripted. */
describe('IdpProbes (what the doctor asks the IdP)', () => {
  let server: Server;
  let issuer: string;
  const script: Scripted = { authorize: { status: 200, body: '<form>sign in</form>' }, token: { status: 400, body: { error: 'invalid_grant' } }, dateOffsetMs: 0 };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', issuer).pathname;
      res.setHeader('date', new Date(Date.now() + script.dateOffsetMs).toUTCString());
      if (path === '/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            issuer,
            authorization_endpoint: `${issuer}/authorize`,
            token_endpoint: `${issuer}/token`,
            jwks_uri: `${issuer}/jwks`,
            ...(script.methods ? { token_endpoint_auth_methods_supported: script.methods } : {}),
          }),
        );
      } else if (path === '/authorize') {
        const { status, body, location } = script.authorize;
        res.writeHead(status, { 'content-type': 'text/html', ...(location ? { location: location.replace('{redirect}', new URL(req.url!, issuer).searchParams.get('redirect_uri')!) } : {}) }).end(body ?? '');
      } else if (path === '/token') {
        req.resume();
        res.writeHead(script.token.status, { 'content-type': 'application/json' }).end(JSON.stringify(script.token.body));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const probes = (provider = 'oidc') => {
    const env = { AUTH_PROVIDER: provider, OIDC_ISSUER_URL: issuer, OIDC_CLIENT_ID: 'app', PUBLIC_BASE_URL: 'https://app.example.com', AUTH_CLOCK_TOLERANCE_SECONDS: '30' };
    const oidc = loadConfig(env, [authConfigSection, oidcConfigSection]).get(oidcConfigSection) as OidcConfig;
    const auth = new SecretClientAuthentication('client_secret_basic', { get: () => Promise.resolve('s') }, 'oidc-client-secret');
    return new IdpProbes(oidc, new OidcClient(oidc, auth, new SystemClock()), new SystemClock());
  };

  it.each([
    ["Keycloak's error page", 400, '<div id="kc-error-message"><p class="instruction">Invalid parameter: redirect_uri</p></div>', /Keycloak: "Invalid parameter: redirect_uri"/],
    ["Entra's AADSTS50011", 400, '<p>AADSTS50011: The redirect URI \'https://app.example.com/auth/callback\' specified in the request does not match…</p>', /Entra AADSTS50011/],
    ["oidc-provider's error", 400, '<p>invalid_redirect_uri: redirect_uri did not match any of the client\'s registered redirect_uris</p>', /invalid_redirect_uri/],
    ['a refusal shown with 200', 200, '<h1>Sign-in problem</h1><p>AADSTS50011: mismatch</p>', /AADSTS50011/],
  ])('recognises %s as a redirect URI refusal naming PUBLIC_BASE_URL', async (_name, status, body, what) => {
    script.authorize = { status, body };
    const result = await probes().redirectUri();
    expect(result).toMatchObject({ status: 'fail', variable: 'PUBLIC_BASE_URL' });
    expect(result.found).toMatch(what);
    expect(result.found).toContain('https://app.example.com/auth/callback');
  });

  it.each([
    ['Keycloak', '<p>Client not found.</p>'],
    ['Entra', 'AADSTS700016: Application with identifier \'app\' was not found'],
  ])("%s's unknown client names OIDC_CLIENT_ID", async (_name, body) => {
    script.authorize = { status: 400, body };
    expect(await probes().redirectUri()).toMatchObject({ status: 'fail', variable: 'OIDC_CLIENT_ID' });
  });

  it('a login page, or a redirect on to sign-in, is acceptance; an error sent back to the redirect URI is a warning', async () => {
    script.authorize = { status: 200, body: '<form id="kc-form-login">' };
    expect(await probes().redirectUri()).toMatchObject({ status: 'ok' });
    script.authorize = { status: 302, location: '/login?x=1' };
    expect(await probes().redirectUri()).toMatchObject({ status: 'ok' });
    script.authorize = { status: 302, location: '{redirect}?error=invalid_scope&error_description=unknown%20scope' };
    expect(await probes().redirectUri()).toMatchObject({ status: 'warn', variable: 'OIDC_SCOPES' });
  });

  it.each([
    [{ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid refresh token' } }, 'ok'],
    [{ status: 401, body: { error: 'unauthorized_client', error_description: 'Invalid client or Invalid client credentials' } }, 'fail'],
    [{ status: 401, body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' } }, 'fail'],
  ])('client credentials: the token endpoint answering %j → %s', async (token, status) => {
    script.token = token;
    const result = await probes().clientCredentials();
    expect(result.status).toBe(status);
    if (status === 'fail') expect(result).toMatchObject({ variable: 'OIDC_CLIENT_SECRET_NAME' });
  });

  it('the method offered: RFC 8414 default (client_secret_basic) when the IdP lists none', async () => {
    script.methods = undefined;
    expect(await probes().clientAuthMethod()).toMatchObject({ status: 'ok' });
    script.methods = ['private_key_jwt'];
    expect(await probes().clientAuthMethod()).toMatchObject({ status: 'fail', variable: 'AUTH_CLIENT_AUTH' });
    script.methods = undefined;
  });

  it.each([
    [0, 'ok'],
    [10_000, 'warn'],
    [-45_000, 'fail'],
  ])("clock: the IdP's Date %i ms off → %s", async (offset, status) => {
    script.dateOffsetMs = offset;
    expect(await probes().clockSkew()).toMatchObject({ status });
    script.dateOffsetMs = 0;
  });

  it('an IdP without back-channel logout: a warning, not a failure', async () => {
    const result = await probes('oidc').backChannelLogout();
    expect(result.status).toBe('warn');
  });

  it('an unreachable IdP: discovery fails naming the issuer variable, the checks that need it are not run', async () => {
    const env = { AUTH_PROVIDER: 'keycloak', KEYCLOAK_URL: 'http://127.0.0.1:9', KEYCLOAK_REALM: 'r', OIDC_CLIENT_ID: 'app', PUBLIC_BASE_URL: 'https://app.example.com' };
    const oidc = loadConfig(env, [authConfigSection, oidcConfigSection]).get(oidcConfigSection) as OidcConfig;
    const down = new IdpProbes(oidc, new OidcClient(oidc, new SecretClientAuthentication('client_secret_basic', { get: () => Promise.resolve('s') }, 'x'), new SystemClock()), new SystemClock());
    expect(await down.discovery()).toMatchObject({ status: 'fail', variable: 'KEYCLOAK_URL, KEYCLOAK_REALM' });
    expect(await down.redirectUri()).toMatchObject({ status: 'warn', found: expect.stringMatching(/not checked/) });
    await expect(down.ready()).rejects.toThrow(/cannot read http:\/\/127\.0\.0\.1:9\/realms\/r\/\.well-known\/openid-configuration/);
  });
});
