import { createHash } from 'node:crypto';
import { CryptographyClient, KeyClient, type JsonWebKey as VaultJsonWebKey } from '@azure/keyvault-keys';
import { SecretClient } from '@azure/keyvault-secrets';
import { DefaultAzureCredential } from '@azure/identity';
import { importJWK, jwtVerify } from 'jose';
import { KeyVaultKeysDouble } from '../support/key-vault-keys-double.js';
import { ManagedIdentityDouble } from '../support/managed-identity-double.js';

type RestFailure = { statusCode?: number; code?: string; message: string };
const failure = (promise: Promise<unknown>): Promise<RestFailure> =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as RestFailure,
  );

/** The JOSE form of the public key the SDK read from the vault. */
const joseJwk = (key: VaultJsonWebKey) => ({ kty: 'RSA', n: Buffer.from(key.n!).toString('base64url'), e: Buffer.from(key.e!).toString('base64url') });

/** A JWT signed the way a client assertion signed by Key Vault is: the vault signs the digest of header.payload. */
async function signJwtWithVault(crypto: CryptographyClient, alg: 'RS256' | 'PS256' | 'PS512', claims: object): Promise<{ jwt: string; kid: string }> {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${b64({ alg, typ: 'JWT' })}.${b64(claims)}`;
  const { result, keyID } = await crypto.sign(alg, createHash(`sha${alg.slice(2)}`).update(input).digest());
  return { jwt: `${input}.${Buffer.from(result).toString('base64url')}`, kid: keyID! };
}

/**
 * The real KeyClient, CryptographyClient and SecretClient with DefaultAzureCredential (App Service
 * managed identity) against the Key Vault double with keys; signatures checked with `jose`.
 */
describe('Key Vault keys double (real KeyClient/CryptographyClient, jose)', () => {
  let identity: ManagedIdentityDouble;
  let vault: KeyVaultKeysDouble;
  const savedEnv = { ...process.env };
  const options = { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } };

  beforeAll(async () => {
    identity = await new ManagedIdentityDouble().start();
    vault = await new KeyVaultKeysDouble().start();
    Object.assign(process.env, identity.credentialEnv());
    await vault.createKey('client-assertion');
  });

  afterEach(() => vault.clearFaults());

  afterAll(async () => {
    process.env = savedEnv;
    await Promise.all([vault.stop(), identity.stop()]);
  });

  const keys = () => new KeyClient(vault.vaultUrl, new DefaultAzureCredential(), options);
  const crypto = (keyId: string) => new CryptographyClient(keyId, new DefaultAzureCredential(), options);

  it('getKey goes through the 401 challenge and returns the public RSA key only', async () => {
    const challengesBefore = vault.challenges;
    const key = await keys().getKey('client-assertion');
    expect(vault.challenges).toBeGreaterThan(challengesBefore);
    expect(key.id).toBe(vault.keyId('client-assertion'));
    expect(key.keyType).toBe('RSA');
    expect(key.keyOperations).toEqual(['sign', 'verify']);
    expect(key.key!.n!.length).toBe(256);
    for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) expect(key.key![part]).toBeUndefined();
  });

  it.each(['RS256', 'PS256', 'PS512'] as const)('signs a %s digest in the vault, and jose verifies it with the public JWK', async (alg) => {
    const key = await keys().getKey('client-assertion');
    // An unversioned key id, as configuration would hold it: the SDK signs with the current version.
    const { jwt, kid } = await signJwtWithVault(crypto(`${vault.vaultUrl}/keys/client-assertion`), alg, { iss: 'client', sub: 'client', aud: 'idp' });
    expect(kid).toBe(key.id);
    const verified = await jwtVerify(jwt, await importJWK(joseJwk(key.key!), alg));
    expect(verified.payload).toMatchObject({ iss: 'client', aud: 'idp' });
    expect(vault.signatures.at(-1)).toMatchObject({ name: 'client-assertion', algorithm: alg });
  });

  // Only RS*: the SDK's local verifyData checks PS* signatures with PKCS#1 v1.5 padding (createVerify
  // without RSA_PKCS1_PSS_PADDING), so it refuses any genuine PSS signature; jose checks those above.
  it.each(['RS256', 'RS512'] as const)("signData (%s) in the vault passes the SDK's own local verifyData, and a changed message fails it", async (alg) => {
    const client = crypto(vault.keyId('client-assertion'));
    const { result } = await client.signData(alg, Buffer.from('message'));
    await expect(client.verifyData(alg, Buffer.from('message'), result)).resolves.toMatchObject({ result: true });
    await expect(client.verifyData(alg, Buffer.from('messagf'), result)).resolves.toMatchObject({ result: false });
  });

  it('rotation: a new current version signs, both versions are listed, each signature verifies only with its own key', async () => {
    await vault.createKey('rotating');
    const first = await keys().getKey('rotating');
    const old = await signJwtWithVault(crypto(first.id!), 'RS256', { n: 1 });
    await vault.rotateKey('rotating');
    const second = await keys().getKey('rotating');
    expect(second.properties.version).not.toBe(first.properties.version);

    const fresh = await signJwtWithVault(crypto(`${vault.vaultUrl}/keys/rotating`), 'RS256', { n: 2 });
    expect(fresh.kid).toBe(second.id);
    await expect(jwtVerify(fresh.jwt, await importJWK(joseJwk(second.key!), 'RS256'))).resolves.toBeDefined();
    await expect(jwtVerify(fresh.jwt, await importJWK(joseJwk(first.key!), 'RS256'))).rejects.toThrow(/signature/);
    await expect(jwtVerify(old.jwt, await importJWK(joseJwk(first.key!), 'RS256'))).resolves.toBeDefined();

    const listed: string[] = [];
    for await (const properties of keys().listPropertiesOfKeyVersions('rotating')) listed.push(properties.version!);
    expect(listed.sort()).toEqual([first.properties.version!, second.properties.version!].sort());
  });

  it('answers as Key Vault does: 404 KeyNotFound, 403 on a disabled version, 400 on a digest of the wrong length, faults', async () => {
    expect(await failure(keys().getKey('no-such-key'))).toMatchObject({ statusCode: 404, code: 'KeyNotFound' });

    await vault.createKey('disabled');
    const version = (await keys().getKey('disabled')).properties.version!;
    vault.disableKeyVersion('disabled', version);
    expect(await failure(crypto(vault.keyId('disabled', version)).sign('RS256', Buffer.alloc(32)))).toMatchObject({ statusCode: 403 });

    expect(await failure(crypto(vault.keyId('client-assertion')).sign('RS256', Buffer.alloc(20)))).toMatchObject({ statusCode: 400, code: 'BadParameter' });

    vault.failNextKeys({ status: 500, times: 1 });
    expect(await failure(keys().getKey('client-assertion'))).toMatchObject({ statusCode: 500 });
  });

  it('serves secrets from the same vault, unchanged', async () => {
    vault.secrets.set('third-party-api-key', 'v1');
    const secret = await new SecretClient(vault.vaultUrl, new DefaultAzureCredential(), options).getSecret('third-party-api-key');
    expect(secret.value).toBe('v1');
  });

  it('refuses keys requests without a token (challenge) and with a managed-identity token for another resource', async () => {
    const url = `${vault.keyId('client-assertion')}?api-version=2025-07-01`;
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('resource="https://vault.azure.net"');

    const acsToken = await identity.requestToken('https://communication.azure.com/');
    expect((await fetch(url, { headers: { authorization: `Bearer ${acsToken}` } })).status).toBe(401);
  });
});
