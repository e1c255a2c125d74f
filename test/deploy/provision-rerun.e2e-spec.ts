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
function provision(existing: boolean): string[] {
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
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: bin },
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
});
