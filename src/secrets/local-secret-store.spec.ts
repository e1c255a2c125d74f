import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSecretStore } from './local-secret-store.js';
import { SecretNotFoundError, SecretStoreUnavailableError } from './secrets.errors.js';
import { localSecretVariable } from './secrets.config.js';

describe('LocalSecretStore', () => {
  it('maps names to SECRET_<UPPER_SNAKE>', () => {
    expect(localSecretVariable('third-party-api-key')).toBe('SECRET_THIRD_PARTY_API_KEY');
    expect(localSecretVariable('tini.app/client secret')).toBe('SECRET_TINI_APP_CLIENT_SECRET');
  });

  it('reads the variable', async () => {
    await expect(new LocalSecretStore({ SECRET_THIRD_PARTY_API_KEY: 'k1' }).read('third-party-api-key')).resolves.toBe('k1');
  });

  it('prefers SECRET_<NAME>_FILE and re-reads the file each time (mounted secret rotation)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'secret-')), 'key');
    writeFileSync(file, 'from-file\n');
    const store = new LocalSecretStore({ SECRET_THIRD_PARTY_API_KEY: 'env', SECRET_THIRD_PARTY_API_KEY_FILE: file });
    await expect(store.read('third-party-api-key')).resolves.toBe('from-file');
    writeFileSync(file, 'rotated');
    await expect(store.read('third-party-api-key')).resolves.toBe('rotated');
  });

  it('names the variable to set when the secret is missing, without any value', async () => {
    const error = await new LocalSecretStore({}).read('third-party-api-key').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretNotFoundError);
    expect((error as Error).message).toContain('SECRET_THIRD_PARTY_API_KEY');
  });

  it('reports an unreadable file as unavailable', async () => {
    const store = new LocalSecretStore({ SECRET_X_FILE: '/nonexistent/dir/x' });
    await expect(store.read('x')).rejects.toBeInstanceOf(SecretStoreUnavailableError);
  });
});

describe('LocalSecretStore: versions (one per line, newest first)', () => {
  it('reads up to max versions from the variable or the file, blank lines ignored', async () => {
    const store = new LocalSecretStore({ SECRET_SESSION_SECRET: 'newest\n\n  older  \noldest' });
    await expect(store.readVersions('session-secret', 2)).resolves.toEqual(['newest', 'older']);
    await expect(store.readVersions('session-secret', 10)).resolves.toEqual(['newest', 'older', 'oldest']);
  });

  it('picks up a rotated file: a new line on top, then an old one removed', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'secret-')), 'session');
    writeFileSync(file, 'v1\n');
    const store = new LocalSecretStore({ SECRET_SESSION_SECRET_FILE: file });
    await expect(store.readVersions('session-secret', 2)).resolves.toEqual(['v1']);
    writeFileSync(file, 'v2\nv1\n');
    await expect(store.readVersions('session-secret', 2)).resolves.toEqual(['v2', 'v1']);
    writeFileSync(file, 'v2\n');
    await expect(store.readVersions('session-secret', 2)).resolves.toEqual(['v2']);
  });

  it('a value of blank lines only is missing', async () => {
    await expect(new LocalSecretStore({ SECRET_SESSION_SECRET: '\n \n' }).readVersions('session-secret', 2)).rejects.toBeInstanceOf(SecretNotFoundError);
  });
});
