import { jest } from '@jest/globals';
import { SecretStore } from './secret-store.js';
import { SecretsService } from './secrets.service.js';
import type { SecretsConfig } from './secrets.config.js';
import { SecretStoreUnavailableError } from './secrets.errors.js';
import { SystemClock } from '../common/clock.js';
import { clockOf } from '../../test/support/clock.js';

/** A scriptable store: answers with `value`, or fails while `failing` is set. */
class ScriptedStore extends SecretStore {
  readonly kind = 'scripted';
  value = 'v1';
  failing = false;
  reads = 0;
  gate?: Promise<void>;
  async read(): Promise<string> {
    this.reads++;
    await this.gate;
    if (this.failing) throw new SecretStoreUnavailableError(this.kind, 'HTTP 503');
    return this.value;
  }
}

const config = (maxAgeMs = 0): SecretsConfig => ({
  provider: 'local',
  keyVaultDisableChallengeResourceVerification: false,
  keyVaultRetryDelayMs: 1,
  maxAgeMs,
  startupRetryMaxDelayMs: 1000,
  localValues: {},
});

describe('SecretsService', () => {
  it('reads the store once and serves later gets from memory', async () => {
    const store = new ScriptedStore();
    const secrets = new SecretsService(store, config(), new SystemClock());
    for (let i = 0; i < 100; i++) expect(await secrets.get('k')).toBe('v1');
    expect(store.reads).toBe(1);
    expect(secrets.storeReads).toBe(1);
  });

  it('shares one store call between concurrent first reads', async () => {
    const store = new ScriptedStore();
    let open!: () => void;
    store.gate = new Promise((resolve) => (open = resolve));
    const secrets = new SecretsService(store, config(), new SystemClock());
    const reads = Promise.all(Array.from({ length: 20 }, () => secrets.get('k')));
    open();
    expect(await reads).toEqual(Array(20).fill('v1'));
    expect(store.reads).toBe(1);
  });

  it('refresh re-reads once for the rejected value and not again for callers holding an older one', async () => {
    const store = new ScriptedStore();
    const secrets = new SecretsService(store, config(), new SystemClock());
    await secrets.get('k');
    store.value = 'v2';
    expect(await secrets.refresh('k', 'v1')).toBe('v2');
    expect(await secrets.refresh('k', 'v1')).toBe('v2'); // a late caller with v1: no store call
    expect(store.reads).toBe(2);
    expect(await secrets.get('k')).toBe('v2');
  });

  it('re-reads after the max age, and keeps serving the stale value if the store is down', async () => {
    let now = 0;
    const store = new ScriptedStore();
    const secrets = new SecretsService(store, config(1000), clockOf(() => now));
    await secrets.get('k');
    now = 1500;
    store.value = 'v2';
    expect(await secrets.get('k')).toBe('v2');
    now = 3000;
    store.failing = true;
    expect(await secrets.get('k')).toBe('v2');
    expect(store.reads).toBe(3);
  });

  it('fails a first read when the store is down', async () => {
    const store = new ScriptedStore();
    store.failing = true;
    await expect(new SecretsService(store, config(), new SystemClock()).get('k')).rejects.toBeInstanceOf(SecretStoreUnavailableError);
  });

  it('require() retries in the background and reports the missing secret with its reason until loaded', async () => {
    jest.useFakeTimers();
    try {
      const store = new ScriptedStore();
      store.failing = true;
      const secrets = new SecretsService(store, config(), new SystemClock());
      secrets.require('k');
      await jest.advanceTimersByTimeAsync(0);
      expect(secrets.missing()).toEqual([{ name: 'k', reason: expect.stringContaining('HTTP 503') }]);
      store.failing = false;
      await jest.advanceTimersByTimeAsync(1000);
      expect(secrets.missing()).toEqual([]);
      expect(store.reads).toBe(2);
      secrets.onApplicationShutdown();
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('SecretsService: versions', () => {
  class VersionedStore extends SecretStore {
    readonly kind = 'scripted';
    versions = ['new-0123456789abcdef0123456789abcdef', 'short'];
    reads = 0;
    async read(): Promise<string> {
      return this.versions[0]!;
    }
    override async readVersions(_name: string, max: number): Promise<string[]> {
      this.reads++;
      return this.versions.slice(0, max);
    }
  }

  it('leaves out an older version its check refuses, and refuses a newest one it refuses', async () => {
    const store = new VersionedStore();
    const secrets = new SecretsService(store, config(), new SystemClock());
    secrets.require('session-secret', { check: (v) => (v.length < 32 ? 'too short' : undefined), versions: 2, variable: 'AUTH_SESSION_SECRET_NAME' });
    await expect(secrets.versions('session-secret', 2)).resolves.toEqual(['new-0123456789abcdef0123456789abcdef']);
    expect(secrets.requiredSecrets()).toEqual([{ name: 'session-secret', variable: 'AUTH_SESSION_SECRET_NAME' }]);
    expect(secrets.missing()).toEqual([]);
    secrets.onApplicationShutdown();

    const refusing = new SecretsService(Object.assign(new VersionedStore(), { versions: ['short'] }), config(), new SystemClock());
    refusing.require('session-secret', { check: (v) => (v.length < 32 ? 'too short' : undefined), versions: 2 });
    await expect(refusing.versions('session-secret', 2)).rejects.toThrow(/too short/);
    refusing.onApplicationShutdown();
  });

  it('re-reads after the given max age, and refreshVersions at most once per interval', async () => {
    let now = 0;
    const store = new VersionedStore();
    store.versions = ['a', 'b'];
    const secrets = new SecretsService(store, config(), clockOf(() => now));
    await secrets.versions('s', 2, 1000);
    await secrets.versions('s', 2, 1000);
    expect(store.reads).toBe(1);
    now = 1000;
    store.versions = ['c', 'a'];
    await expect(secrets.versions('s', 2, 1000)).resolves.toEqual(['c', 'a']);
    expect(store.reads).toBe(2);
    await secrets.refreshVersions('s', 2, 500);
    expect(store.reads).toBe(2);
    now = 1500;
    await secrets.refreshVersions('s', 2, 500);
    expect(store.reads).toBe(3);
  });
});
