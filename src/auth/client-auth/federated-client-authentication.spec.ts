import type { TokenCredential } from '@azure/identity';
import { FederatedClientAuthentication } from './federated-client-authentication.js';
import { JWT_BEARER_ASSERTION_TYPE } from './client-assertion-signer.js';

describe('FederatedClientAuthentication', () => {
  it("sends the identity's token for the configured scope as a jwt-bearer client assertion", async () => {
    const scopes: string[] = [];
    const credential: TokenCredential = {
      getToken: (scope) => {
        scopes.push(String(scope));
        return Promise.resolve({ token: 'mi-token', expiresOnTimestamp: Date.now() + 3600_000 });
      },
    };
    const auth = new FederatedClientAuthentication(() => credential, 'api://AzureADTokenExchange/.default');
    const body = new URLSearchParams();
    await auth.clientAuth({ issuer: 'https://login.microsoftonline.com/t/v2.0' }, { client_id: 'app' }, body, new Headers());
    expect(Object.fromEntries(body)).toEqual({ client_id: 'app', client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: 'mi-token' });
    expect(scopes).toEqual(['api://AzureADTokenExchange/.default']);
  });

  it('fails the request when the credential has no token, rather than sending none', async () => {
    const auth = new FederatedClientAuthentication(() => ({ getToken: () => Promise.resolve(null) }), 'api://AzureADTokenExchange/.default');
    await expect(auth.clientAuth({ issuer: 'x' }, { client_id: 'app' }, new URLSearchParams(), new Headers())).rejects.toThrow(/no token/);
  });
});
