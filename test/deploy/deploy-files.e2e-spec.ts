import { existsSync, readFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { observabilityConfigSection } from '../../src/observability/observability.config.js';
import {
  appContainers,
  ENTRY_POINT_SECTIONS,
  filesUnder,
  isKnownVariable,
  parseEnvFile,
  rel,
  renderKustomization,
  REPO_ROOT,
  type AppContainer,
  type Rendered,
} from './support/deploy-files.js';

const DEPLOY = join(REPO_ROOT, 'deploy');
const OVERLAYS = ['local', 'azure'];

function validate(entry: string, env: Record<string, string | undefined>): string[] {
  const sections = ENTRY_POINT_SECTIONS[entry];
  if (!sections) return [`no such entry point: ${entry}`];
  try {
    loadConfig(env, sections);
    return [];
  } catch (error) {
    return (error as { problems?: string[] }).problems ?? [String(error)];
  }
}

describe('deploy files: YAML', () => {
  const yamlFiles = filesUnder(DEPLOY, (p) => /\.ya?ml$/.test(p));

  it('finds the manifests', () => {
    expect(yamlFiles.length).toBeGreaterThanOrEqual(15);
  });

  it.each(yamlFiles.map((f) => [rel(f), f]))('%s parses', (_name, file) => {
    const docs = parseAllDocuments(readFileSync(file, 'utf8'));
    for (const doc of docs) expect(doc.errors).toEqual([]);
    expect(docs.length).toBeGreaterThan(0);
  });
});

describe('deploy files: environment variables', () => {
  it('.env.example names only variables a config section knows', () => {
    const names = [...readFileSync(join(REPO_ROOT, '.env.example'), 'utf8').matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(30);
    expect(names.filter((n) => !isKnownVariable(n))).toEqual([]);
  });

  it('every observability variable is documented in .env.example', () => {
    const text = readFileSync(join(REPO_ROOT, '.env.example'), 'utf8');
    const documented = new Set([...text.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!));
    expect(observabilityConfigSection.variables.filter((v) => !documented.has(v))).toEqual([]);
  });

  it('the kustomize env files name only known variables', () => {
    const envFiles = filesUnder(join(DEPLOY, 'k8s'), (p) => p.endsWith('.env'));
    expect(envFiles.length).toBeGreaterThanOrEqual(4);
    const unknown = envFiles.flatMap((f) => Object.keys(parseEnvFile(f)).filter((n) => !isKnownVariable(n)).map((n) => `${rel(f)}: ${n}`));
    expect(unknown).toEqual([]);
  });

  describe.each(OVERLAYS)('Kubernetes overlay %s', (overlay) => {
    let rendered: Rendered;
    let containers: AppContainer[];
    beforeAll(() => {
      rendered = renderKustomization(join(DEPLOY, 'k8s', 'overlays', overlay));
      containers = appContainers(rendered);
    });

    it('runs the API and the watcher from the image', () => {
      const entries = containers.map((c) => c.entry);
      expect(entries).toEqual(expect.arrayContaining(['dist/apps/api/main.bundle.js', 'dist/apps/watcher/main.bundle.js']));
    });

    it('sets only known variables, and every required one (the config of each entry point loads)', () => {
      for (const c of containers) {
        expect({ workload: c.workload, unknown: c.names.filter((n) => !isKnownVariable(n)) }).toEqual({ workload: c.workload, unknown: [] });
        expect({ workload: c.workload, problems: validate(c.entry, c.env) }).toEqual({ workload: c.workload, problems: [] });
      }
    });

    it('runs non-root with a read-only root filesystem, resource requests and limits', () => {
      for (const c of containers) {
        const pod = c.podSpec.securityContext ?? {};
        const own = c.container.securityContext ?? {};
        expect({ w: c.workload, nonRoot: own.runAsNonRoot ?? pod.runAsNonRoot, user: own.runAsUser ?? pod.runAsUser }).toEqual({ w: c.workload, nonRoot: true, user: 1000 });
        expect(own.readOnlyRootFilesystem).toBe(true);
        expect(own.allowPrivilegeEscalation).toBe(false);
        expect(c.container.resources.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
        expect(c.container.resources.limits).toEqual(expect.objectContaining({ memory: expect.any(String) }));
      }
    });

    it('listens where its ports and probes say: containerPort = the port the entry point binds', () => {
      for (const c of containers) {
        const ports = new Map<string, number>((c.container.ports ?? []).map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]));
        const bound = Number({ 'dist/dev/number-api/main.bundle.js': c.env.NUMBER_API_PORT, 'dist/apps/watcher/main.bundle.js': c.env.OPS_PORT }[c.entry] ?? c.env.PORT);
        expect({ w: c.workload, ports: [...ports.values()] }).toEqual({ w: c.workload, ports: [bound] });
        for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
          const p = c.container[probe];
          if (!p) continue;
          const port = (p.httpGet ?? p.tcpSocket).port;
          expect(typeof port === 'number' ? port : ports.get(port)).toBe(bound);
        }
      }
    });

    it('Services, the Ingress, the HPA, the PDBs and the KEDA ScaledObject point at things that exist', () => {
      const byKind = (kind: string) => rendered.objects.filter((o) => o.kind === kind);
      const deployments = byKind('Deployment');
      for (const svc of byKind('Service')) {
        const pods = deployments.filter((d) => Object.entries(svc.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v));
        expect({ svc: svc.metadata.name, matches: pods.length }).toEqual({ svc: svc.metadata.name, matches: 1 });
        const portNames = pods[0]!.spec.template.spec.containers.flatMap((c: { ports?: Array<{ name: string }> }) => (c.ports ?? []).map((p) => p.name));
        for (const port of svc.spec.ports) expect(portNames).toContain(port.targetPort);
      }
      for (const ingress of byKind('Ingress')) {
        for (const rule of ingress.spec.rules) {
          for (const path of rule.http.paths) {
            const svc = byKind('Service').find((s) => s.metadata.name === path.backend.service.name);
            expect(svc?.spec.ports.map((p: { name: string }) => p.name)).toContain(path.backend.service.port.name);
          }
        }
      }
      const hpa = byKind('HorizontalPodAutoscaler');
      expect(hpa.map((h) => h.spec.scaleTargetRef.name)).toEqual(['api']);
      for (const pdb of byKind('PodDisruptionBudget')) {
        expect(deployments.some((d) => Object.entries(pdb.spec.selector.matchLabels).every(([k, v]) => d.spec.template.metadata.labels[k] === v))).toBe(true);
      }
      const [scaled] = byKind('ScaledObject');
      expect(scaled!.spec.scaleTargetRef.name).toBe('watcher');
      expect(scaled!.spec.triggers[0].type).toBe('azure-queue');
      const watcher = containers.find((c) => c.entry === 'dist/apps/watcher/main.bundle.js')!;
      expect(scaled!.spec.triggers[0].metadata.queueName).toBe(watcher.env.STORAGE_QUEUE_URL?.split('/').pop() ?? watcher.env.STORAGE_QUEUE_NAME);
    });
  });

  it('azure overlay: pods use workload identity; KEDA authenticates with it', () => {
    const text = (f: string) => readFileSync(join(DEPLOY, 'k8s', 'overlays', 'azure', f), 'utf8');
    const k = text('kustomization.yaml');
    expect(k).toContain('azure.workload.identity/client-id');
    expect(k).toContain('azure.workload.identity~1use');
    expect(k).toMatch(/name: api\|watcher/);
    expect(text('keda-trigger-auth.yaml')).toMatch(/provider: azure-workload/);
  });

  it('shared limits: the azure overlay uses Azure Managed Redis with Entra auth (no key, no URL); the local one a redis Deployment + Service', () => {
    const azure = parseEnvFile(join(DEPLOY, 'k8s', 'overlays', 'azure', 'config.env'));
    expect(azure).toMatchObject({ THROTTLE_STORE: 'redis', REDIS_PORT: '10000', REDIS_AUTH: 'entra' });
    expect(azure.REDIS_HOST).toMatch(/\.redis\.azure\.net$/);
    expect(Object.keys(azure).filter((n) => /REDIS_(URL|PASSWORD)/.test(n))).toEqual([]);
    const local = parseEnvFile(join(DEPLOY, 'k8s', 'overlays', 'local', 'config.env'));
    expect(local).toMatchObject({ THROTTLE_STORE: 'redis', AUTH_SESSION_STORE: 'redis' });
    const objects = renderKustomization(join(DEPLOY, 'k8s', 'overlays', 'local')).objects;
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === new URL(local.REDIS_URL!).hostname);
    expect(service?.spec.ports[0].port).toBe(Number(new URL(local.REDIS_URL!).port));
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'redis');
    expect(deployment?.spec.template.spec.containers[0].image).toMatch(/^redis:7/);
  });

  it('Keycloak example: public issuer host for browsers, Service host for the back channel', () => {
    const docs = parseAllDocuments(readFileSync(join(DEPLOY, 'k8s', 'keycloak', 'keycloak.yaml'), 'utf8')).map((d) => d.toJS());
    const env = Object.fromEntries(docs.find((d) => d.kind === 'Deployment').spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
    const ingressHost = docs.find((d) => d.kind === 'Ingress').spec.rules[0].host;
    expect(new URL(env.KC_HOSTNAME).host).toBe(ingressHost);
    expect(env.KC_HOSTNAME_BACKCHANNEL_DYNAMIC).toBe('true');
    // The API (local overlay): browser-facing URLs on the public host, back channel on the Service.
    const api = parseEnvFile(join(DEPLOY, 'k8s', 'overlays', 'local', 'config.env'));
    const service = docs.find((d) => d.kind === 'Service');
    const internal = `${service.metadata.name}:${service.spec.ports[0].port}`;
    expect(new URL(api.KEYCLOAK_URL!).host).toBe(ingressHost);
    expect(new URL(api.OIDC_AUTHORIZATION_URL!).host).toBe(ingressHost);
    expect(new URL(api.OIDC_END_SESSION_URL!).host).toBe(ingressHost);
    expect(new URL(api.OIDC_TOKEN_URL!).host).toBe(internal);
    expect(new URL(api.OIDC_JWKS_URL!).host).toBe(internal);
    expect(new URL(api.OIDC_DISCOVERY_URL!).host).toBe(internal);
  });
});

describe('deploy files: image entry points', () => {
  const entries = new Set<string>();
  beforeAll(() => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    for (const m of dockerfile.matchAll(/dist\/[\w/.-]+\.js/g)) entries.add(m[0]);
    for (const f of filesUnder(DEPLOY, (p) => /\.(ya?ml|sh)$/.test(p))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/--args\s+(dist\/[\w/.-]+\.js)|args:\s*\["(dist\/[\w/.-]+\.js)"/g)) entries.add(m[1] ?? m[2]!);
    }
  });

  it('every entry point named in the Dockerfile and deploy files exists in dist/', () => {
    expect([...entries]).toEqual(expect.arrayContaining(['dist/apps/api/main.bundle.js', 'dist/apps/watcher/main.bundle.js', 'dist/dev/number-api/main.bundle.js']));
    expect([...entries].filter((e) => !existsSync(join(REPO_ROOT, e)))).toEqual([]);
  });

  it('the Dockerfile: multi-stage, production dependencies, non-root, PORT, HEALTHCHECK on /health/live', () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*process\.env\.PORT[\s\S]*\/health\/live/);
    expect(dockerfile).toMatch(/^CMD \["dist\/apps\/api\/main\.bundle\.js"\]$/m);
    expect(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')).toMatch(/^node_modules$/m);
  });

  it('the Dockerfile sets only known variables', () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
    const names = [...dockerfile.matchAll(/^ENV (.+)$/gm)].flatMap((m) => [...m[1]!.matchAll(/([A-Z][A-Z0-9_]*)=/g)].map((n) => n[1]!));
    expect(names).toEqual(expect.arrayContaining(['NODE_ENV', 'PORT', 'OPS_PORT']));
    expect(names.filter((n) => !isKnownVariable(n))).toEqual([]);
  });
});

describe('deploy files: scripts', () => {
  const scripts = [...filesUnder(DEPLOY, (p) => p.endsWith('.sh')), join(REPO_ROOT, '.ci', 'run')];

  it('shellcheck is installed (.ci/run installs it from Debian)', () => {
    expect(spawnSync('shellcheck', ['--version']).status).toBe(0);
  });

  it.each(scripts.map((s) => [rel(s), s]))('shellcheck passes on %s', (_name, script) => {
    const result = spawnSync('shellcheck', ['--external-sources', script], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.each(scripts.map((s) => [rel(s), s]))('%s is strict bash', (_name, script) => {
    const text = readFileSync(script, 'utf8');
    expect(text.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(text).toMatch(/^set -euo pipefail$/m);
  });
});

/** Runs a script with a fake `az`/`gcloud` on PATH that records any call. */
function dryRun(script: string, env: Record<string, string>): { stdout: string; calls: string } {
  const bin = mkdtempSync(join(tmpdir(), 'fake-cli-'));
  const log = join(bin, 'calls.log');
  writeFileSync(log, '');
  for (const tool of ['az', 'gcloud', 'openssl', 'curl']) {
    writeFileSync(join(bin, tool), `#!/bin/sh\necho "${tool} $*" >> "${log}"\nexit 1\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  try {
    const stdout = execFileSync(join(DEPLOY, script), ['--dry-run'], {
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: bin, ...env },
    });
    return { stdout, calls: readFileSync(log, 'utf8') };
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

/** The words of a printed `+ cmd …` line (printf %q quoting undone), placeholders `<x>` → `x`. */
function words(line: string): string[] {
  const out = execFileSync('bash', ['-c', `for w in ${line.replace(/^\+ /, '')}; do printf '%s\\0' "$w"; done`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1).map((w) => w.replace(/<([\w-]+)>/g, '$1'));
}

function envVarsOf(argv: string[], flags: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    if (!flags.includes(argv[i]!)) continue;
    for (let j = i + 1; j < argv.length && !argv[j]!.startsWith('--'); j++) {
      const w = argv[j]!;
      const eq = w.indexOf('=');
      env[w.slice(0, eq)] = w.slice(eq + 1);
    }
  }
  return env;
}

describe('deploy/azure/provision.sh --dry-run', () => {
  let out: { stdout: string; calls: string };
  beforeAll(() => {
    out = dryRun('azure/provision.sh', {});
  });
  const commands = () => out.stdout.split('\n').filter((l) => l.startsWith('+ '));

  it('prints the commands and runs none of them (no az, no openssl)', () => {
    expect(out.calls).toBe('');
    expect(commands().length).toBeGreaterThan(20);
    expect(commands().every((c) => /^\+ az /.test(c))).toBe(true);
  });

  it('creates the group, the storage account without shared keys, the queue, its poison queue and the tables', () => {
    const text = out.stdout;
    expect(text).toMatch(/\+ az group create --name codes-rg --location westeurope/);
    expect(text).toMatch(/az storage account create .*--allow-shared-key-access false/);
    for (const path of ['queues/code-requests?', 'queues/code-requests-poison?', 'tables/validcodes?', 'tables/sessions?']) {
      expect(commands().some((c) => c.includes('az rest --method put') && c.includes(path.replace('?', '\\?')))).toBe(true);
    }
  });

  it('makes Key Vault in RBAC mode and never prints a secret value', () => {
    expect(out.stdout).toMatch(/az keyvault create .*--enable-rbac-authorization true/);
    const sets = commands().filter((c) => c.includes('az keyvault secret set'));
    expect(sets).toHaveLength(2);
    for (const s of sets) expect(s).toMatch(/--value \\\*\\\*\\\*$/);
  });

  it('assigns the three data roles to the managed identity, each scoped to one queue, table or secret', () => {
    const assignments = commands()
      .filter((c) => c.includes('az role assignment create') && c.includes('ServicePrincipal'))
      .map((c) => words(c))
      .map((w) => ({ role: w[w.indexOf('--role') + 1], scope: w[w.indexOf('--scope') + 1] }));
    expect(assignments).toEqual(
      expect.arrayContaining([
        { role: 'Storage Queue Data Contributor', scope: 'storage-account-id/queueServices/default/queues/code-requests' },
        { role: 'Storage Table Data Contributor', scope: 'storage-account-id/tableServices/default/tables/validcodes' },
        { role: 'Key Vault Secrets User', scope: 'key-vault-id/secrets/third-party-api-key' },
      ]),
    );
    // Nothing broader than one queue, table, secret, Communication Services resource or the registry.
    for (const a of assignments) expect(a.scope).toMatch(/\/(queues|tables|secrets|communicationServices)\/[\w-]+$|^registry-id$/);
  });

  it.each([
    ['codes-api', 'dist/apps/api/main.bundle.js'],
    ['codes-watcher', 'dist/apps/watcher/main.bundle.js'],
    ['codes-numbers', 'dist/dev/number-api/main.bundle.js'],
  ])('%s: app settings are known variables and satisfy every required one of %s', (app, entry) => {
    const line = commands().find((c) => c.startsWith(`+ az containerapp create --name ${app} `))!;
    const argv = words(line);
    expect(argv[argv.indexOf('--args') + 1]).toBe(entry);
    const env = envVarsOf(argv, ['--env-vars']);
    expect(Object.keys(env).filter((n) => !isKnownVariable(n))).toEqual([]);
    expect(validate(entry, env)).toEqual([]);
    expect(argv).toContain('--user-assigned');
  });

  it('scales the watcher with a KEDA azure-queue rule on code-requests, authenticated by the identity', () => {
    const argv = words(commands().find((c) => c.startsWith('+ az containerapp create --name codes-watcher '))!);
    expect(argv[argv.indexOf('--scale-rule-type') + 1]).toBe('azure-queue');
    expect(argv).toEqual(expect.arrayContaining(['queueName=code-requests', 'accountName=codesstorage', '--scale-rule-identity']));
  });

  it('creates Azure Managed Redis with access keys disabled (TLS, port 10000), gives the identity its data-access policy, and points the API at it with Entra auth', () => {
    const puts = commands().filter((c) => c.startsWith('+ az rest --method put') && c.includes('/redisEnterprise/codes-redis')).map((c) => words(c));
    const body = (argv: string[]) => JSON.parse(argv[argv.indexOf('--body') + 1]!) as { properties: Record<string, unknown> };
    const url = (argv: string[]) => argv[argv.indexOf('--url') + 1]!;
    const database = puts.find((w) => /\/databases\/default\?/.test(url(w)))!;
    expect(body(database).properties).toMatchObject({ clientProtocol: 'Encrypted', port: 10000, accessKeysAuthentication: 'Disabled', clusteringPolicy: 'EnterpriseCluster' });
    const assignment = puts.find((w) => url(w).includes('/accessPolicyAssignments/'))!;
    expect(body(assignment).properties).toEqual({ accessPolicyName: 'default', user: { objectId: 'identity-principal-id' } });
    const api = envVarsOf(words(commands().find((c) => c.startsWith('+ az containerapp create --name codes-api '))!), ['--env-vars']);
    expect(api).toMatchObject({ THROTTLE_STORE: 'redis', REDIS_HOST: 'redis-host', REDIS_PORT: '10000', REDIS_AUTH: 'entra', REDIS_USERNAME: 'identity-principal-id' });
    expect(Object.keys(api).some((n) => /REDIS_(URL|PASSWORD)/.test(n))).toBe(false);
    // Only the API uses Redis.
    const watcher = envVarsOf(words(commands().find((c) => c.startsWith('+ az containerapp create --name codes-watcher '))!), ['--env-vars']);
    expect(Object.keys(watcher).filter((n) => n.startsWith('REDIS_') || n === 'THROTTLE_STORE')).toEqual([]);
  });

  it('creates Communication Services with an Azure-managed Email domain, gives the identity its role on that one resource, and points the API at it (acs-email, no connection string)', () => {
    const puts = commands().filter((c) => c.startsWith('+ az rest --method put') && c.includes('/Microsoft.Communication/')).map((c) => words(c));
    const url = (argv: string[]) => argv[argv.indexOf('--url') + 1]!;
    const body = (argv: string[]) => JSON.parse(argv[argv.indexOf('--body') + 1]!) as { location: string; properties: Record<string, unknown> };
    expect(puts.map((w) => new URL(url(w)).pathname.split('/Microsoft.Communication/')[1])).toEqual([
      'emailServices/codes-email',
      'emailServices/codes-email/domains/AzureManagedDomain',
      'communicationServices/codes-acs',
    ]);
    expect(body(puts[1]!).properties).toMatchObject({ domainManagement: 'AzureManaged' });
    expect(body(puts[2]!).properties.linkedDomains).toEqual([new URL(url(puts[1]!)).pathname]);
    const role = commands()
      .filter((c) => c.includes('az role assignment create'))
      .map((c) => words(c))
      .find((w) => w[w.indexOf('--role') + 1] === 'Communication and Email Service Owner')!;
    expect(role[role.indexOf('--scope') + 1]).toMatch(/\/providers\/Microsoft\.Communication\/communicationServices\/codes-acs$/);
    expect(role[role.indexOf('--assignee-object-id') + 1]).toBe('identity-principal-id');
    const api = envVarsOf(words(commands().find((c) => c.startsWith('+ az containerapp create --name codes-api '))!), ['--env-vars']);
    expect(api).toMatchObject({ CODE_DELIVERY: 'acs-email', ACS_ENDPOINT: 'https://acs-host', MAIL_FROM: 'DoNotReply@mail-from-domain' });
    expect(Object.keys(api).some((n) => /CONNECTION_STRING|ACCESS_KEY/.test(n))).toBe(false);
  });

  it('--dry-run shows the client key or the federated credential, and no command runs', () => {
    const keyRun = dryRun('azure/provision.sh', { AUTH_PROVIDER: 'keycloak', KEYCLOAK_URL: 'https://kc.example.com', KEYCLOAK_REALM: 'r', OIDC_CLIENT_ID: 'app', CLIENT_AUTH: 'private_key_jwt' });
    expect(keyRun.calls).toBe('');
    expect(keyRun.stdout).toMatch(/\+ az keyvault key create --vault-name codes-kv --name oidc-client-key --kty RSA --size 2048 --ops sign verify/);
    expect(keyRun.stdout).toMatch(/--role Key\\ Vault\\ Crypto\\ User --scope \\<key-vault-id\\>\/keys\/oidc-client-key/);
    const federated = dryRun('azure/provision.sh', { AUTH_PROVIDER: 'entra', OIDC_CLIENT_ID: 'app-id', CLIENT_AUTH: 'federated' });
    expect(federated.calls).toBe('');
    expect(federated.stdout).toMatch(/\+ az ad app federated-credential create --id app-id/);
    const update = words(federated.stdout.split('\n').find((c) => c.startsWith('+ az containerapp update --name codes-api') && c.includes('PUBLIC_BASE_URL'))!);
    const env = envVarsOf(update, ['--set-env-vars']);
    expect(env).toMatchObject({ AUTH_PROVIDER: 'entra', OIDC_CLIENT_ID: 'app-id', AUTH_CLIENT_AUTH: 'federated', ENTRA_TENANT_ID: 'tenant-id' });
    expect(Object.keys(env).filter((n) => !isKnownVariable(n))).toEqual([]);
  });

  it('honours its settings', () => {
    const custom = dryRun('azure/provision.sh', { PREFIX: 'acme', LOCATION: 'eastus', THIRD_PARTY_API_ENDPOINT: 'https://numbers.example.com/api/RandomNumber' });
    expect(custom.stdout).toMatch(/az group create --name acme-rg --location eastus/);
    expect(custom.stdout).not.toMatch(/--name acme-numbers/);
    expect(custom.stdout).toContain('THIRD_PARTY_API_ENDPOINT=https://numbers.example.com/api/RandomNumber');
  });
});

describe('deploy/cloudrun/deploy.sh --dry-run', () => {
  it('builds this image and deploys the Tini App backend as in seed 004, with settings the config accepts', () => {
    const out = dryRun('cloudrun/deploy.sh', { PROJECT_ID: 'my-project', CLIENT_KEY: 'tini-key' });
    expect(out.calls).toBe('');
    const lines = out.stdout.split('\n').filter((l) => l.startsWith('+ '));
    expect(lines[0]).toMatch(/^\+ gcloud builds submit .* --tag asia-southeast1-docker\.pkg\.dev\/my-project\//);
    const argv = words(lines[1]!);
    expect(argv.slice(0, 4)).toEqual(['gcloud', 'run', 'deploy', 'tiniapp-auth-backend']);
    expect(argv).toEqual(expect.arrayContaining(['--allow-unauthenticated', '--region', 'asia-southeast1']));
    const entry = argv[argv.indexOf('--args') + 1]!;
    const env = { ...envVarsOf(argv, ['--set-env-vars', '--set-secrets']), PORT: '8080' };
    expect(Object.keys(env).filter((n) => !isKnownVariable(n))).toEqual([]);
    expect(validate(entry, env)).toEqual([]);
    expect(envVarsOf(argv, ['--set-env-vars']).THROTTLE_STORE).toBe('memory');
  });

  it('with REDIS_URL: the backend shares its limits through it (THROTTLE_STORE=redis)', () => {
    const out = dryRun('cloudrun/deploy.sh', { PROJECT_ID: 'my-project', CLIENT_KEY: 'tini-key', REDIS_URL: 'rediss://10.0.0.3:6378' });
    const argv = words(out.stdout.split('\n').filter((l) => l.startsWith('+ '))[1]!);
    const env = { ...envVarsOf(argv, ['--set-env-vars', '--set-secrets']), PORT: '8080' };
    expect(env).toMatchObject({ THROTTLE_STORE: 'redis', REDIS_URL: 'rediss://10.0.0.3:6378' });
    expect(validate(argv[argv.indexOf('--args') + 1]!, env)).toEqual([]);
  });
});
