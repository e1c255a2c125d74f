import { startDevIdp, type RunningDevIdp } from './dev-idp.server.js';
import { FEDERATED_AUDIENCE } from './dev-idp.config.js';
import { ManagedIdentityDouble } from '../../../test/support/managed-identity-double.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The dev IdP's federated credential (Entra's shape) against tokens of the managed-identity double. */
describe('dev IdP: a client authenticating with a federated credential', () => {
  let identity: ManagedIdentityDouble;
  let other: ManagedIdentityDouble;
  let idp: RunningDevIdp;

  beforeAll(async () => {
    identity = await new ManagedIdentityDouble().start();
    other = await new ManagedIdentityDouble().start();
    idp = await startDevIdp({
      clients: [
        {
          clientId: 'app',
          auth: { method: 'federated', credential: { issuer: identity.issuer, subject: identity.principalId, audience: FEDERATED_AUDIENCE } },
          redirectUris: ['http://127.0.0.1:9/cb'],
          postLogoutRedirectUris: [],
        },
      ],
    });
  });

  afterAll(async () => {
    await idp.close();
    await other.stop();
    await identity.stop();
  });

  /** A refresh grant with a made-up token: client authentication runs first, so invalid_grant means the client was accepted. */
  const tokenRequest = (assertion: string, clientId = 'app') =>
    fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'not-a-token', client_id: clientId, client_assertion_type: JWT_BEARER, client_assertion: assertion }),
    }).then(async (r) => ({ status: r.status, ...((await r.json()) as { error: string; error_description?: string }) }));

  it("accepts the identity's token for api://AzureADTokenExchange", async () => {
    expect(await tokenRequest(await identity.requestToken('api://AzureADTokenExchange'))).toMatchObject({ status: 400, error: 'invalid_grant' });
  });

  it.each([
    ['another audience', () => identity.requestToken('https://vault.azure.net'), /aud/],
    ['another identity of another issuer', () => other.requestToken('api://AzureADTokenExchange'), /issuer/],
    ['a forged token', async () => `${(await identity.requestToken('api://AzureADTokenExchange')).slice(0, -10)}AAAAAAAAAA`, /signature/],
  ])('refuses %s with 401 invalid_client', async (_what, token, why) => {
    const answer = await tokenRequest(await token());
    expect(answer).toMatchObject({ status: 401, error: 'invalid_client' });
    expect(answer.error_description).toMatch(why);
  });

  it("refuses the client's federated credential for a client that does not name itself", async () => {
    // Without client_id the assertion's `sub` (a principal id) is no client: oidc-provider refuses it.
    const answer = await tokenRequest(await identity.requestToken('api://AzureADTokenExchange'), '');
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.error).not.toBe('invalid_grant');
  });
});
