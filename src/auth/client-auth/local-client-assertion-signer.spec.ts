import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, createLocalJWKSet, jwtVerify } from 'jose';
import { LocalClientAssertionSigner } from './local-client-assertion-signer.js';
import { ClientKeyUnusableError } from './client-auth.errors.js';

const rsa = (bits = 2048) => generateKeyPairSync('rsa', { modulusLength: bits }).privateKey;
const ec = (curve: string) => generateKeyPairSync('ec', { namedCurve: curve }).privateKey;
const signerOf = (value: () => string) => new LocalClientAssertionSigner({ get: () => Promise.resolve(value()) }, 'oidc-client-key');

describe('LocalClientAssertionSigner (a private key from the local secret store)', () => {
  it.each([
    ['an RSA private JWK', () => JSON.stringify(rsa().export({ format: 'jwk' })), 'RS256'],
    ['an RSA PKCS#8 PEM', () => rsa().export({ format: 'pem', type: 'pkcs8' }) as string, 'RS256'],
    ['an EC P-256 private JWK', () => JSON.stringify(ec('prime256v1').export({ format: 'jwk' })), 'ES256'],
  ])('signs with %s (%s) and publishes only its public half, kid = RFC 7638 thumbprint', async (_kind, make, alg) => {
    const signer = signerOf(() => value);
    const value = make();
    const jwks = await signer.publicJwks();
    expect(jwks.keys).toHaveLength(1);
    const [published] = jwks.keys;
    expect(published).toMatchObject({ alg, use: 'sig' });
    for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(published).not.toHaveProperty(part);
    const { kid: _kid, alg: _alg, use: _use, ...bare } = published!;
    expect(published!.kid).toBe(await calculateJwkThumbprint(bare));
    const jwt = await signer.sign({ iss: 'app' });
    await expect(jwtVerify(jwt, createLocalJWKSet(jwks))).resolves.toMatchObject({ protectedHeader: { alg, kid: published!.kid, typ: 'JWT' } });
  });

  it("keeps a JWK's own kid", async () => {
    const signer = signerOf(() => JSON.stringify({ ...rsa().export({ format: 'jwk' }), kid: 'client-key-2026' }));
    expect((await signer.publicJwks()).keys[0]!.kid).toBe('client-key-2026');
  });

  it('a rotated secret is a new key: the next assertion and the JWKS use it', async () => {
    let value = JSON.stringify(rsa().export({ format: 'jwk' }));
    const signer = signerOf(() => value);
    const before = (await signer.publicJwks()).keys[0]!.kid;
    value = JSON.stringify(rsa().export({ format: 'jwk' }));
    const after = (await signer.publicJwks()).keys[0]!.kid;
    expect(after).not.toBe(before);
    await expect(jwtVerify(await signer.sign({}), createLocalJWKSet(await signer.publicJwks()))).resolves.toBeDefined();
  });

  it.each([
    ['a public key only', () => JSON.stringify(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' })), /no private part/],
    ['not a key', () => 'hunter2', /not a private JWK or a PKCS#8 PEM/],
    ['a 1024-bit RSA key', () => JSON.stringify(rsa(1024).export({ format: 'jwk' })), /at least 2048 bits/],
    ['an EC P-384 key', () => JSON.stringify(ec('secp384r1').export({ format: 'jwk' })), /EC P-256/],
  ])('refuses %s, naming the problem and never the value', async (_kind, make, message) => {
    const value = make();
    const error = await signerOf(() => value).sign({}).then(() => { throw new Error('signed'); }, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ClientKeyUnusableError);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('oidc-client-key');
    expect(error.message).not.toContain(value.length > 40 ? value.slice(10, 40) : value);
  });
});
