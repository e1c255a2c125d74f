import { SecretClientAuthentication } from './secret-client-authentication.js';

const as = { issuer: 'https://idp.example' };
const client = { client_id: 'app id' };

describe('SecretClientAuthentication', () => {
  it('client_secret_basic: the form-encoded id and secret in an Authorization header, nothing in the body', async () => {
    const auth = new SecretClientAuthentication('client_secret_basic', { get: () => Promise.resolve('s3cr:t') }, 'oidc-client-secret');
    const body = new URLSearchParams();
    const headers = new Headers();
    await auth.clientAuth(as, client, body, headers);
    expect(headers.get('authorization')).toBe(`Basic ${Buffer.from('app+id:s3cr%3At').toString('base64')}`);
    expect([...body.keys()]).toEqual([]);
  });

  it('client_secret_post: client_id and client_secret in the body', async () => {
    const auth = new SecretClientAuthentication('client_secret_post', { get: () => Promise.resolve('s') }, 'oidc-client-secret');
    const body = new URLSearchParams();
    const headers = new Headers();
    await auth.clientAuth(as, client, body, headers);
    expect(Object.fromEntries(body)).toEqual({ client_id: 'app id', client_secret: 's' });
    expect(headers.get('authorization')).toBeNull();
  });

  it('reads the secret on each call, so a rotated secret is used without a restart', async () => {
    let current = 'old';
    const auth = new SecretClientAuthentication('client_secret_post', { get: () => Promise.resolve(current) }, 'oidc-client-secret');
    const send = async () => {
      const body = new URLSearchParams();
      await auth.clientAuth(as, client, body, new Headers());
      return body.get('client_secret');
    };
    expect(await send()).toBe('old');
    current = 'new';
    expect(await send()).toBe('new');
  });
});
