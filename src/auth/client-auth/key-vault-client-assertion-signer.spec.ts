import type { TokenCredential } from '@azure/identity';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { KeyVaultKeysDouble } from '../../../test/support/key-vault-keys-double.js';
import { ManagedIdentityDouble } from '../../../test/support/managed-identity-double.js';
import { ManualClock } from '../../../test/support/clock.js';
import { KEY_VERSION_CACHE_MS, KeyVaultClientAssertionSigner } from './key-vault-client-assertion-signer.js';
import { ClientKeyUnavailableError } from './client-auth.errors.js';

/** The real KeyClient and CryptographyClient (tokens from the managed-identity double) against the Key Vault keys double. */
describe('KeyVaultClientAssertionSigner', () => {
  let identity: ManagedIdentityDouble;
  let vault: KeyVaultKeysDouble;
  const clock = new ManualClock(Date.UTC(2026, 11, 1));
  /** The identity endpoint's tokens, as the SDK's managed-identity credential would get them. */
  const credential: TokenCredential = {
    getToken: async (scopes) => {
      const scope = Array.isArray(scopes) ? scopes[0]! : (scopes as string);
      return { token: await identity.requestToken(scope.replace(/\/\.default$/, '')), expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
  const signer = (keyName: string) =>
    new KeyVaultClientAssertionSigner({ vaultUrl: vault.vaultUrl, keyName, credential, disableChallengeResourceVerification: true, retryDelayMs: 1 }, clock);

  beforeAll(async () => {
    identity = await new ManagedIdentityDouble().start();
    vault = await new KeyVaultKeysDouble().start();
  });

  afterAll(async () => {
    await vault.stop();
    await identity.stop();
  });

  it('signs in the vault: the JWT verifies with the published key, whose kid it names', async () => {
    await vault.createKey('signing');
    const s = signer('signing');
    const before = vault.signatures.length;
    const jwt = await s.sign({ iss: 'app', sub: 'app' });
    expect(vault.signatures.length).toBe(before + 1);
    const jwks = await s.publicJwks();
    expect(jwks.keys).toHaveLength(1);
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'RS256', kid: jwks.keys[0]!.kid, typ: 'JWT' });
    await expect(jwtVerify(jwt, createLocalJWKSet(jwks))).resolves.toMatchObject({ payload: { iss: 'app' } });
  });

  it('rotation: the new version signs once the cached one is old, and the JWKS lists both (new first) until the old is disabled', async () => {
    const first = await vault.createKey('rotating');
    const s = signer('rotating');
    const oldJwt = await s.sign({ n: 1 });
    const oldKid = decodeProtectedHeader(oldJwt).kid;
    await vault.rotateKey('rotating');
    expect(decodeProtectedHeader(await s.sign({ n: 2 })).kid).toBe(oldKid); // still cached
    clock.advance(KEY_VERSION_CACHE_MS);
    const newJwt = await s.sign({ n: 3 });
    expect(decodeProtectedHeader(newJwt).kid).not.toBe(oldKid);
    const both = await s.publicJwks();
    expect(both.keys.map((k) => k.kid)).toEqual([decodeProtectedHeader(newJwt).kid, oldKid]);
    await expect(jwtVerify(oldJwt, createLocalJWKSet(both))).resolves.toBeDefined();

    vault.disableKeyVersion('rotating', first);
    clock.advance(KEY_VERSION_CACHE_MS);
    expect((await s.publicJwks()).keys.map((k) => k.kid)).toEqual([decodeProtectedHeader(newJwt).kid]);
  });

  it('a missing key or a vault refusing to sign: ClientKeyUnavailableError naming the key and the status, never a token', async () => {
    const missing = await signer('no-such-key').sign({}).then(() => { throw new Error('signed'); }, (e: unknown) => e as ClientKeyUnavailableError);
    expect(missing).toBeInstanceOf(ClientKeyUnavailableError);
    expect(missing.reason).toMatch(/could not read key "no-such-key" in Key Vault: HTTP 404 \(KeyNotFound\)/);

    // A version disabled after the signer read it: the vault itself answers 403 to the sign request.
    const version = await vault.createKey('disabled-later');
    const s = signer('disabled-later');
    await s.sign({});
    vault.disableKeyVersion('disabled-later', version);
    const refused = await s.sign({}).then(() => { throw new Error('signed'); }, (e: unknown) => e as ClientKeyUnavailableError);
    expect(refused).toBeInstanceOf(ClientKeyUnavailableError);
    expect(refused.reason).toMatch(/could not sign with key "disabled-later" in Key Vault: HTTP 403/);
    expect(refused.reason).not.toMatch(/Bearer|eyJ/);
  });
});
