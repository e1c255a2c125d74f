import { jest } from '@jest/globals';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, type JWK } from 'jose';
import { SystemClock } from '../../common/clock.js';
import { InvalidBearerTokenError } from '../auth.errors.js';
import type { OidcClient } from '../oidc/oidc-client.js';
import type { OidcConfig } from '../oidc/oidc.config.js';
import { BearerTokenValidator } from './bearer-token.validator.js';
import type { BearerConfig } from './bearer.config.js';

const ISSUER = 'https://idp.example.test';
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

/** The Bearer settings and the IdP's (tenants, clock tolerance) in one object, passed as both. */
type Settings = BearerConfig & OidcConfig;
function configWith(overrides: Partial<Settings>): Settings {
  return Object.assign({} as Settings, {
    provider: 'oidc',
    issuer: ISSUER,
    clientId: 'app',
    bearer: 'jwt',
    bearerAudience: 'integrated-auth-api',
    bearerAlgorithms: ['RS256'],
    bearerRequireAtJwt: true,
    bearerCacheEntries: 10_000,
    introspectionCacheSeconds: 30,
    clockToleranceSeconds: 0,
    allowedTenants: [],
    ...overrides,
  });
}

const validatorWith = (settings: Settings, oidc: OidcClient) => new BearerTokenValidator(settings, settings, oidc, new SystemClock());

describe('BearerTokenValidator', () => {
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let publicJwk: JWK;
  let now = T0;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' };
  });
  beforeEach(() => {
    now = T0;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  function fakeOidc(introspect?: (token: string) => Promise<Record<string, unknown>>) {
    const jwks = createLocalJWKSet({ keys: [publicJwk] });
    const keySet = jest.fn(async () => jwks);
    const oidc = { expectedIssuers: () => [ISSUER], keySet, introspect: jest.fn(introspect ?? (async () => ({ active: false }))) };
    return { oidc: oidc as unknown as OidcClient, keySet, introspect: oidc.introspect };
  }

  const accessToken = (sub: string, expiresInSeconds: number, header: Record<string, unknown> = { typ: 'at+jwt' }) =>
    new SignJWT({ sub, aud: 'integrated-auth-api' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1', ...header })
      .setIssuer(ISSUER)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(now / 1000) + expiresInSeconds)
      .sign(privateKey);

  it('verifies a token once, then answers from the cache until its exp, and refuses it after exp', async () => {
    const { oidc, keySet } = fakeOidc();
    const validator = validatorWith(configWith({}), oidc);
    const token = await accessToken('u1', 60);
    for (let i = 0; i < 5; i++) expect((await validator.validate(token)).sub).toBe('u1');
    expect(keySet).toHaveBeenCalledTimes(1);
    now = T0 + 59_000;
    expect((await validator.validate(token)).sub).toBe('u1');
    expect(keySet).toHaveBeenCalledTimes(1);
    now = T0 + 60_000;
    await expect(validator.validate(token)).rejects.toBeInstanceOf(InvalidBearerTokenError);
    expect(keySet).toHaveBeenCalledTimes(2);
  });

  it('the cache is bounded: past AUTH_BEARER_CACHE_ENTRIES the least recently used token is verified again', async () => {
    const { oidc, keySet } = fakeOidc();
    const validator = validatorWith(configWith({ bearerCacheEntries: 2 }), oidc);
    const [a, b, c] = [await accessToken('a', 300), await accessToken('b', 300), await accessToken('c', 300)];
    for (const t of [a, b, c]) await validator.validate(t);
    expect(keySet).toHaveBeenCalledTimes(3);
    await validator.validate(c);
    await validator.validate(b);
    expect(keySet).toHaveBeenCalledTimes(3);
    await validator.validate(a);
    expect(keySet).toHaveBeenCalledTimes(4);
  });

  it('refusals of JWTs are not cached as passes, and a refused token stays refused', async () => {
    const { oidc } = fakeOidc();
    const validator = validatorWith(configWith({}), oidc);
    const untyped = await accessToken('u1', 60, { typ: 'JWT' });
    for (let i = 0; i < 3; i++) await expect(validator.validate(untyped)).rejects.toBeInstanceOf(InvalidBearerTokenError);
  });

  it('introspection: one call per token while cached (positive and negative), at most AUTH_INTROSPECTION_CACHE_SECONDS and never past exp', async () => {
    const { oidc, introspect } = fakeOidc(async (token) =>
      token === 'good'
        ? { active: true, sub: 'u1', aud: 'integrated-auth-api', exp: Math.floor(T0 / 1000) + 10, iss: ISSUER }
        : token === 'long'
          ? { active: true, sub: 'u2', aud: ['integrated-auth-api'], exp: Math.floor(T0 / 1000) + 3600 }
          : { active: false },
    );
    const validator = validatorWith(configWith({ bearer: 'introspection' }), oidc);
    for (let i = 0; i < 3; i++) {
      expect((await validator.validate('good')).sub).toBe('u1');
      expect((await validator.validate('long')).sub).toBe('u2');
      await expect(validator.validate('nobody-issued')).rejects.toBeInstanceOf(InvalidBearerTokenError);
    }
    expect(introspect).toHaveBeenCalledTimes(3);
    now = T0 + 10_000; // `good` expired: asked again, and the IdP's expired answer is refused
    await expect(validator.validate('good')).rejects.toBeInstanceOf(InvalidBearerTokenError);
    expect((await validator.validate('long')).sub).toBe('u2');
    expect(introspect).toHaveBeenCalledTimes(4);
    now = T0 + 30_000; // the configured 30 s are over for the others
    expect((await validator.validate('long')).sub).toBe('u2');
    await expect(validator.validate('nobody-issued')).rejects.toBeInstanceOf(InvalidBearerTokenError);
    expect(introspect).toHaveBeenCalledTimes(6);
  });

  it('introspection: an active answer without aud, or for another API, is refused; an IdP failure is not remembered', async () => {
    let failing = true;
    const { oidc, introspect } = fakeOidc(async (token) => {
      if (token === 'flaky' && failing) throw new Error('connect ECONNREFUSED');
      if (token === 'no-aud') return { active: true, sub: 'u1' };
      if (token === 'foreign') return { active: true, sub: 'u1', aud: 'other-api', client_id: 'integrated-auth-api' };
      return { active: true, sub: 'u1', aud: 'integrated-auth-api' };
    });
    const validator = validatorWith(configWith({ bearer: 'introspection' }), oidc);
    await expect(validator.validate('no-aud')).rejects.toMatchObject({ reason: 'no audience' });
    await expect(validator.validate('foreign')).rejects.toMatchObject({ reason: 'wrong audience' });
    await expect(validator.validate('flaky')).rejects.toBeInstanceOf(InvalidBearerTokenError);
    failing = false;
    expect((await validator.validate('flaky')).sub).toBe('u1');
    expect(introspect).toHaveBeenCalledTimes(4);
  });

  it('refuses tokens bound to a key (cnf: DPoP jkt, mTLS x5t#S256), JWT or introspected: their proof is not checked here', async () => {
    const bound = (cnf: Record<string, unknown>) =>
      new SignJWT({ sub: 'u1', aud: 'integrated-auth-api', cnf })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'at+jwt' })
        .setIssuer(ISSUER)
        .setIssuedAt(Math.floor(now / 1000))
        .setExpirationTime(Math.floor(now / 1000) + 300)
        .sign(privateKey);
    const jwt = validatorWith(configWith({}), fakeOidc().oidc);
    for (const cnf of [{ jkt: 'thumbprint' }, { 'x5t#S256': 'certificate-hash' }]) {
      await expect(jwt.validate(await bound(cnf))).rejects.toMatchObject({ reason: expect.stringContaining('bound to a key (cnf)') });
    }
    const { oidc } = fakeOidc(async () => ({ active: true, sub: 'u1', aud: 'integrated-auth-api', cnf: { jkt: 'thumbprint' } }));
    await expect(validatorWith(configWith({ bearer: 'introspection' }), oidc).validate('opaque')).rejects.toMatchObject({ reason: expect.stringContaining('cnf') });
  });
});
