import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './support/deploy-files.js';

/**
 * provision.sh for real (not --dry-run) against a fake `az` that records every call: on an empty
 * subscription it creates; when everything exists already it creates nothing that would fail or
 * rotate a secret, and updates the container apps in place. `show` without --query answers
 * "exists" or "not found" by scenario; `show --query …` prints an id.
 */
function provision(existing: boolean, settings: Record<string, string> = {}): string[] {
  const bin = mkdtempSync(join(tmpdir(), 'fake-az-'));
  const log = join(bin, 'calls.log');
  writeFileSync(log, '');
  writeFileSync(
    join(bin, 'az'),
    `#!/usr/bin/env bash
printf '%s\\n' "az $*" >> "${log}"
case " $* " in
  *" show "*"--query "*) echo "/subscriptions/0000/resourceGroups/rg/providers/x/$RANDOM-id" ;;
  *" show "*) ${existing ? 'exit 0' : 'exit 3'} ;;
esac
exit 0
`,
  );
  writeFileSync(join(bin, 'openssl'), `#!/bin/sh\necho generated-secret-value\n`);
  chmodSync(join(bin, 'az'), 0o755);
  chmodSync(join(bin, 'openssl'), 0o755);
  try {
    const stdout = execFileSync(join(REPO_ROOT, 'deploy', 'azure', 'provision.sh'), [], {
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: bin, ...settings },
    });
    expect(stdout).not.toContain('generated-secret-value');
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

describe('deploy/azure/provision.sh is re-runnable', () => {
  it('on a fresh subscription: creates the vault, both secrets and the three container apps', () => {
    const calls = provision(false);
    expect(calls.filter((c) => c.startsWith('az keyvault create'))).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith('az keyvault secret set'))).toHaveLength(2);
    expect(calls.filter((c) => c.startsWith('az containerapp create'))).toHaveLength(3);
    expect(calls.filter((c) => c.startsWith('az containerapp env create'))).toHaveLength(1);
  });

  it('when everything exists: no creates that fail or rotate secrets; apps updated in place', () => {
    const calls = provision(true);
    expect(calls.filter((c) => /^az (keyvault create|keyvault secret set|containerapp create|containerapp env create)/.test(c))).toEqual([]);
    const updates = calls.filter((c) => c.startsWith('az containerapp update'));
    expect(updates.filter((c) => c.includes('--set-env-vars NODE_ENV=production'))).toHaveLength(3);
    // Idempotent creates (group, account, identity, role assignments, ARM PUTs) are simply repeated.
    expect(calls.some((c) => c.startsWith('az group create'))).toBe(true);
    // 2 queues + 2 tables + Managed Redis (cluster, database, the identity's access policy assignment)
    // + Communication Services (Email service, its Azure-managed domain, the resource that links it).
    expect(calls.filter((c) => c.startsWith('az rest --method put'))).toHaveLength(10);
    expect(calls.filter((c) => c.startsWith('az rest --method put') && c.includes('/Microsoft.Communication/'))).toHaveLength(3);
    expect(calls.filter((c) => c.startsWith('az rest --method put') && c.includes('/redisEnterprise/'))).toHaveLength(3);
  });

  describe('sign-in with no client secret (AUTH_PROVIDER, CLIENT_AUTH)', () => {
    const keycloak = { AUTH_PROVIDER: 'keycloak', KEYCLOAK_URL: 'https://kc.example.com', KEYCLOAK_REALM: 'r', OIDC_CLIENT_ID: 'app', CLIENT_AUTH: 'private_key_jwt' };
    const entra = { AUTH_PROVIDER: 'entra', OIDC_CLIENT_ID: 'app-id', CLIENT_AUTH: 'federated' };

    it('private_key_jwt: an RSA Key Vault key for signing only, and "Key Vault Crypto User" on that key for the identity; a re-run creates nothing', () => {
      const fresh = provision(false, keycloak);
      expect(fresh.filter((c) => c.startsWith('az keyvault key create'))).toEqual([expect.stringMatching(/--name oidc-client-key --kty RSA --size 2048 --ops sign verify/)]);
      expect(fresh.some((c) => /--role Key Vault Crypto User --scope \S+\/keys\/oidc-client-key/.test(c))).toBe(true);
      expect(fresh.filter((c) => c.startsWith('az keyvault secret set') && c.includes('--name session-secret'))).toHaveLength(1);
      expect(fresh.some((c) => c.includes('federated-credential create'))).toBe(false);
      const again = provision(true, keycloak);
      expect(again.filter((c) => /^az keyvault (key create|secret set)/.test(c))).toEqual([]);
      expect(again.filter((c) => c.includes('AUTH_CLIENT_AUTH=private_key_jwt') && c.includes('OIDC_CLIENT_KEY_NAME=oidc-client-key'))).toHaveLength(1);
    });

    it('federated: the identity as a federated credential of the app registration (its principal id, api://AzureADTokenExchange); a re-run adds none', () => {
      const fresh = provision(false, entra);
      const created = fresh.filter((c) => c.startsWith('az ad app federated-credential create'));
      expect(created).toHaveLength(1);
      expect(created[0]).toMatch(/--id app-id --parameters \{"name":"codes-id","issuer":"https:\/\/login\.microsoftonline\.com\/\S+\/v2\.0","subject":"\S+","audiences":\["api:\/\/AzureADTokenExchange"\]/);
      expect(fresh.some((c) => c.startsWith('az keyvault key create'))).toBe(false);
      expect(provision(true, entra).filter((c) => c.startsWith('az ad app federated-credential create'))).toEqual([]);
    });

    it('refuses settings that cannot work: a federated credential outside Entra, an unknown method', () => {
      expect(() => provision(false, { ...keycloak, CLIENT_AUTH: 'federated' })).toThrow(/needs AUTH_PROVIDER=entra/);
      expect(() => provision(false, { ...keycloak, CLIENT_AUTH: 'mtls' })).toThrow(/CLIENT_AUTH must be/);
    });
  });
});
