import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { clockOf } from '../../../test/support/clock.js';
import { ASSERTION_LIFETIME_SECONDS, JWT_BEARER_ASSERTION_TYPE } from './client-assertion-signer.js';
import { LocalClientAssertionSigner } from './local-client-assertion-signer.js';
import { PrivateKeyJwtClientAuthentication } from './private-key-jwt-client-authentication.js';

const key = JSON.stringify(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }));

describe('PrivateKeyJwtClientAuthentication', () => {
  const now = Date.UTC(2026, 11, 1);
  const signer = new LocalClientAssertionSigner({ get: () => Promise.resolve(key) }, 'oidc-client-key');
  const auth = new PrivateKeyJwtClientAuthentication(signer, clockOf(() => now));
  const send = async (clientId = 'app', issuer = 'https://idp.example/realms/r') => {
    const body = new URLSearchParams();
    const headers = new Headers();
    await auth.clientAuth({ issuer }, { client_id: clientId }, body, headers);
    expect(headers.get('authorization')).toBeNull();
    return body;
  };

  it('sends client_id, the jwt-bearer assertion type and an assertion (RFC 7523): iss = sub = client, aud = issuer, exp one minute on', async () => {
    const body = await send();
    expect(body.get('client_id')).toBe('app');
    expect(body.get('client_assertion_type')).toBe(JWT_BEARER_ASSERTION_TYPE);
    const { payload, protectedHeader } = await jwtVerify(body.get('client_assertion')!, createLocalJWKSet(await auth.publicJwks()), {
      issuer: 'app',
      subject: 'app',
      audience: 'https://idp.example/realms/r',
      currentDate: new Date(now),
    });
    expect(payload.iat).toBe(now / 1000);
    expect(payload.exp).toBe(now / 1000 + ASSERTION_LIFETIME_SECONDS);
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: (await auth.publicJwks()).keys[0]!.kid });
  });

  it('a new jti for every request, whatever the client and issuer', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 20 }), fc.webUrl(), async (clientId, issuer) => {
        const jti = decodeJwt((await send(clientId, issuer)).get('client_assertion')!).jti!;
        expect(jti.length).toBeGreaterThanOrEqual(24);
        expect(seen.has(jti)).toBe(false);
        seen.add(jti);
      }),
      { numRuns: 50 },
    );
  });
});
