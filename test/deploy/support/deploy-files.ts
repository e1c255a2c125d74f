import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ConfigSection, Env } from '../../../src/config/config-section.js';
import { apiConfigSections } from '../../../src/apps/api/app.factory.js';
import { watcherConfigSections } from '../../../src/apps/watcher/watcher.factory.js';
import { tiniAppBackendConfigSections } from '../../../src/apps/tiniapp-backend/tiniapp-backend.module.js';
import { numberApiServerConfigSection } from '../../../src/dev/number-api/number-api-server.config.js';
import { secretsConfigSection } from '../../../src/secrets/secrets.config.js';
import { tiniAppConfigSection } from '../../../src/tiniapp/tiniapp.config.js';
import { tikiStandinConfigSection } from '../../../src/dev/tiki-standin/tiki-standin.config.js';
import { devIdpConfigSection } from '../../../src/dev/dev-idp/dev-idp.config.js';
import { detailsStandinConfigSection, reviewsStandinConfigSection } from '../../../src/dev/standin-service/standin-service.config.js';
import { REPO_ROOT } from '../../support/processes.js';

export { REPO_ROOT };

/** The sections each entry point of the image validates at start-up (see src/<entry>.ts). */
export const ENTRY_POINT_SECTIONS: Record<string, ReadonlyArray<ConfigSection<object>>> = {
  'dist/apps/api/main.bundle.js': apiConfigSections(),
  'dist/apps/watcher/main.bundle.js': watcherConfigSections(),
  // src/dev/number-api/main.ts: loadConfig(process.env, [numberApiServerConfigSection, secretsConfigSection])
  'dist/dev/number-api/main.bundle.js': [numberApiServerConfigSection, secretsConfigSection],
  'dist/apps/tiniapp-backend/main.bundle.js': tiniAppBackendConfigSections(),
  // src/dev/tiki-standin/main.ts: loadConfig(process.env, [tikiStandinConfigSection, tiniAppConfigSection, secretsConfigSection])
  'dist/dev/tiki-standin/main.js': [tikiStandinConfigSection, tiniAppConfigSection, secretsConfigSection],
  // src/dev/dev-idp/main.ts: loadConfig(process.env, [devIdpConfigSection])
  'dist/dev/dev-idp/main.js': [devIdpConfigSection],
  // src/dev/details/main.ts and src/dev/reviews/main.ts: loadConfig(process.env, [<service>StandinConfigSection])
  'dist/dev/details/main.js': [detailsStandinConfigSection],
  'dist/dev/reviews/main.js': [reviewsStandinConfigSection],
};

/**
 * Variables the Azure SDK's DefaultAzureCredential reads itself (environment, workload identity and
 * managed identity credentials), not the app's config: deploy files may set them.
 */
export const AZURE_SDK_VARIABLES = [
  'AZURE_CLIENT_ID',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_FEDERATED_TOKEN_FILE',
  'AZURE_AUTHORITY_HOST',
  'AZURE_TOKEN_CREDENTIALS',
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
];

/** Node's own runtime variables that deploy files may set. */
export const NODE_RUNTIME_VARIABLES = ['NODE_OPTIONS'];

const allSections = [...new Set(Object.values(ENTRY_POINT_SECTIONS).flat())];
const knownNames = new Set([...allSections.flatMap((s) => s.variables), ...AZURE_SDK_VARIABLES, ...NODE_RUNTIME_VARIABLES]);
const knownPrefixes = allSections.flatMap((s) => s.variablePrefixes);

export function isKnownVariable(name: string): boolean {
  return knownNames.has(name) || knownPrefixes.some((p) => name.startsWith(p) && name.length > p.length);
}

export function filesUnder(dir: string, test: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, test));
    else if (test(path)) out.push(path);
  }
  return out.sort();
}

export function rel(path: string): string {
  return relative(REPO_ROOT, path);
}

/** KEY=VALUE lines (no quotes, `#` comments), as kustomize's `envs:` files and .env files. */
export function parseEnvFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) out[match[1]!] = match[2]!;
  }
  return out;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  [key: string]: unknown;
}

export interface Rendered {
  objects: K8sObject[];
  configMaps: Map<string, Record<string, string>>;
  secrets: Map<string, Record<string, string>>;
}

/**
 * What `kubectl apply -k <dir>` would create, as far as these tests need: the resources (files and
 * nested kustomizations), and the generated ConfigMaps/Secrets with `behavior: merge` applied.
 * Name suffixes, JSON patches and image rewrites are not applied (they change no env or port).
 */
export function renderKustomization(dir: string): Rendered {
  const k = parseAllDocuments(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'))[0]!.toJS() as {
    resources?: string[];
    configMapGenerator?: Array<{ name: string; behavior?: string; envs?: string[]; literals?: string[] }>;
    secretGenerator?: Array<{ name: string; behavior?: string; envs?: string[]; literals?: string[] }>;
  };
  const rendered: Rendered = { objects: [], configMaps: new Map(), secrets: new Map() };
  for (const resource of k.resources ?? []) {
    const path = join(dir, resource);
    if (statSync(path).isDirectory()) {
      const child = renderKustomization(path);
      rendered.objects.push(...child.objects);
      for (const [n, d] of child.configMaps) rendered.configMaps.set(n, d);
      for (const [n, d] of child.secrets) rendered.secrets.set(n, d);
    } else {
      for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
        const obj = doc.toJS() as K8sObject | null;
        if (!obj) continue;
        rendered.objects.push(obj);
        if (obj.kind === 'Secret') rendered.secrets.set(obj.metadata.name, { ...(obj.stringData as Record<string, string>) });
        if (obj.kind === 'ConfigMap') rendered.configMaps.set(obj.metadata.name, { ...(obj.data as Record<string, string>) });
      }
    }
  }
  const generate = (target: Map<string, Record<string, string>>, generators: typeof k.configMapGenerator) => {
    for (const g of generators ?? []) {
      const data: Record<string, string> = {};
      for (const env of g.envs ?? []) Object.assign(data, parseEnvFile(join(dir, env)));
      for (const literal of g.literals ?? []) {
        const i = literal.indexOf('=');
        data[literal.slice(0, i)] = literal.slice(i + 1);
      }
      target.set(g.name, g.behavior === 'merge' ? { ...(target.get(g.name) ?? {}), ...data } : data);
    }
  };
  generate(rendered.configMaps, k.configMapGenerator);
  generate(rendered.secrets, k.secretGenerator);
  return rendered;
}

export const IMAGE_NAME = 'integrated-auth-service';

export interface AppContainer {
  workload: string;
  container: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  podSpec: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  podLabels: Record<string, string>;
  entry: string;
  env: Env;
  /** Every variable name the manifest sets for this container. */
  names: string[];
}

/** The containers running this project's image, with the environment Kubernetes would give them. */
export function appContainers(rendered: Rendered): AppContainer[] {
  const out: AppContainer[] = [];
  for (const obj of rendered.objects) {
    if (obj.kind !== 'Deployment') continue;
    const podSpec = obj.spec.template.spec;
    for (const container of podSpec.containers) {
      if (!String(container.image).startsWith(IMAGE_NAME)) continue;
      const env: Record<string, string> = {};
      const names: string[] = [];
      for (const from of container.envFrom ?? []) {
        const source = from.configMapRef
          ? rendered.configMaps.get(from.configMapRef.name)
          : rendered.secrets.get(from.secretRef.name);
        const optional = (from.configMapRef ?? from.secretRef).optional === true;
        if (!source && !optional) throw new Error(`${obj.metadata.name}: envFrom ${JSON.stringify(from)} names nothing generated`);
        Object.assign(env, source ?? {});
        names.push(...Object.keys(source ?? {}));
      }
      for (const e of container.env ?? []) {
        env[e.name] = e.value ?? '';
        names.push(e.name);
      }
      out.push({
        workload: obj.metadata.name,
        container,
        podSpec,
        podLabels: obj.spec.template.metadata.labels,
        entry: (container.args ?? ['dist/apps/api/main.bundle.js'])[0],
        env,
        names,
      });
    }
  }
  return out;
}

export function dirOf(path: string): string {
  return dirname(path);
}
