import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '../support/processes.js';
import { ENTRY_POINT_SECTIONS } from './support/deploy-files.js';

/**
 * Static checks on the source tree (no process started): what the production image runs never
 * reaches development-only code, and only entry points read the environment.
 */
const SRC = join(REPO_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

const isSpec = (file: string) => file.endsWith('.spec.ts');
const rel = (file: string) => relative(REPO_ROOT, file);

/**
 * Every module specifier of a file: static imports, re-exports and dynamic import('…'). `import
 * type …` is erased by the compiler: no runtime edge, so left out unless `withTypes`.
 */
function specifiers(file: string, withTypes = false): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|[\s;])(import|export)\s([^'"]*?)from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    if (m[2]?.startsWith('type ') && !withTypes) continue;
    found.push((m[3] ?? m[4] ?? m[5])!);
  }
  return found;
}

function resolveRelative(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = resolve(dirname(from), specifier).replace(/\.js$/, '.ts');
  return existsSync(target) ? target : undefined;
}

/** The files reachable from `entries` by relative imports, with the package names they import. */
function importGraph(entries: string[]): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const queue = [...entries];
  while (queue.length) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of specifiers(file)) {
      const local = resolveRelative(file, specifier);
      if (local) queue.push(local);
      else if (!specifier.startsWith('.') && !specifier.startsWith('node:')) {
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
        if (!packages.has(name)) packages.set(name, rel(file));
      }
    }
  }
  return { files, packages };
}

const productionEntries = readdirSync(join(SRC, 'apps')).map((app) => join(SRC, 'apps', app, 'main.ts'));
// The number API stand-in is in the image too: deploy/azure/provision.sh deploys it as the sample's
// RandomNumber Function when no THIRD_PARTY_API_ENDPOINT is given (see the Dockerfile).
const IMAGE_DEV_PROCESSES = ['number-api'];
const imageEntries = [...productionEntries, ...IMAGE_DEV_PROCESSES.map((name) => join(SRC, 'dev', name, 'main.ts'))];

describe('source layout (static scan)', () => {
  it('finds the production entry points under src/apps/<process>/main.ts', () => {
    expect(productionEntries.map(rel).sort()).toEqual(
      ['src/apps/api/main.ts', 'src/apps/doctor/main.ts', 'src/apps/queue-admin/main.ts', 'src/apps/tiniapp-backend/main.ts', 'src/apps/watcher/main.ts'],
    );
    for (const entry of productionEntries) expect(existsSync(entry)).toBe(true);
  });

  it('no production file imports from src/dev/ (the import graph of every src/apps entry point)', () => {
    const { files } = importGraph(productionEntries);
    expect(files.size).toBeGreaterThan(50);
    expect([...files].map(rel).filter((f) => f.startsWith('src/dev/'))).toEqual([]);
  });

  it('no file outside src/dev/ imports from src/dev/', () => {
    const offenders = sourceFiles(SRC)
      .filter((file) => !rel(file).startsWith('src/dev/'))
      .flatMap((file) =>
        specifiers(file)
          .map((s) => resolveRelative(file, s))
          .filter((target): target is string => !!target && rel(target).startsWith('src/dev/'))
          .map((target) => `${rel(file)} -> ${rel(target)}`),
      );
    expect(offenders).toEqual([]);
  });

  it('nothing the image runs imports oidc-provider (a devDependency) or reaches another dev process', () => {
    const { files, packages } = importGraph(imageEntries);
    expect(packages.get('oidc-provider')).toBeUndefined();
    const allowed = IMAGE_DEV_PROCESSES.map((name) => `src/dev/${name}/`);
    expect([...files].map(rel).filter((f) => f.startsWith('src/dev/') && !allowed.some((a) => f.startsWith(a)))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(manifest.dependencies!['oidc-provider']).toBeUndefined();
    expect(manifest.devDependencies!['oidc-provider']).toBeDefined();
    // Every package production imports is a production dependency (else `npm ci --omit=dev` breaks it).
    const missing = [...packages].filter(([name]) => !manifest.dependencies![name]).map(([name, by]) => `${name} (imported by ${by})`);
    expect(missing).toEqual([]);
  });

  it('no file outside src/apps/ and src/dev/ reads process.env', () => {
    const readers = sourceFiles(SRC)
      .filter((file) => !/^src\/(apps|dev)\//.test(rel(file)))
      .filter((file) => readsProcessEnv(readFileSync(file, 'utf8')))
      .map(rel);
    expect(readers).toEqual([]);
  });

  it('the scan sees spec files too (they are held to the same rule)', () => {
    expect(sourceFiles(SRC).some(isSpec)).toBe(true);
  });
});

/**
 * Whether source text reads `process.env`. Comments and string literals do not count, and neither do pure writes
 * (`process.env.X = …`, `delete process.env.X`): a spec may plant a variable to prove the code
 * under test never reads it.
 */
export function readsProcessEnv(text: string): boolean {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  return code
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, "''")
    .replace(/\bdelete\s+process\.env\.\w+/g, '')
    .replace(/\bprocess\.env\.\w+\s*=(?!=)/g, '')
    .match(/\bprocess\.env\b/) !== null;
}

describe('readsProcessEnv (the scan above)', () => {
  it.each([
    ['const a = process.env.X;', true],
    ['f(process.env)', true],
    ['if (process.env.X === "1") {}', true],
    ['// entry points pass process.env', false],
    ['/* never process.env */ const a = 1;', false],
    ['process.env.PROBE = "x"; delete process.env.PROBE;', false],
    ["it('never reads process.env', () => {})", false],
  ])('%s -> %p', (text, expected) => {
    expect(readsProcessEnv(text)).toBe(expected);
  });
});

/**
 * The layering rule (DEVELOPERS.md, "Where things live"): every folder of src/ stands on a floor,
 * and an import points to its own folder or to a lower floor. Within a floor the folders import
 * each other without a cycle. src/dev/ is outside the floors: it may use any of them, and nothing
 * imports it (checked above).
 */
const FLOORS: Readonly<Record<string, number>> = {
  apps: 6,
  home: 5,
  watcher: 5,
  tiniapp: 5,
  'product-page': 5,
  codes: 4,
  verification: 4,
  auth: 3,
  'number-api': 2,
  delivery: 2,
  queue: 2,
  'code-table': 2,
  secrets: 2,
  redis: 2,
  'rate-limit': 2,
  health: 2,
  doctor: 2,
  observability: 2,
  azure: 2,
  common: 1,
  config: 0,
};

/** Source files of the layering rule: src/ outside src/dev/, tests left out (a spec may compose higher floors to test its file). */
const layeredFiles = sourceFiles(SRC).filter((file) => !isSpec(file) && !rel(file).startsWith('src/dev/'));
const folderOf = (file: string) => rel(file).split('/')[1]!;
/** Every import between source files, type imports included (a type is a dependency of the design too). */
const imports = layeredFiles.flatMap((from) =>
  specifiers(from, true)
    .map((s) => resolveRelative(from, s))
    .filter((to): to is string => !!to && !isSpec(to))
    .map((to) => ({ from, to })),
);

/** The groups of nodes that reach each other (Tarjan): a cycle is a group of two or more. */
function cycles(edges: ReadonlyArray<readonly [string, string]>): string[][] {
  const next = new Map<string, string[]>();
  for (const [a, b] of edges) next.set(a, [...(next.get(a) ?? []), b]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        group.push(w);
      } while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('layering (static scan of src/)', () => {
  it('puts every folder of src/ but dev/ on a floor', () => {
    const folders = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory() && name !== 'dev');
    expect(folders.filter((name) => FLOORS[name] === undefined)).toEqual([]);
    expect(imports.length).toBeGreaterThan(300);
  });

  it('no import runs back up: each points to its own folder or a lower floor (nothing in common/ or config/ imports a capability)', () => {
    const upward = imports
      .filter(({ from, to }) => folderOf(from) !== folderOf(to) && FLOORS[folderOf(to)]! > FLOORS[folderOf(from)]!)
      .map(({ from, to }) => `${rel(from)} -> ${rel(to)}`);
    expect(upward).toEqual([]);
  });

  it('no cycle between files, nor between folders', () => {
    expect(cycles(imports.map(({ from, to }) => [rel(from), rel(to)] as const))).toEqual([]);
    expect(cycles(imports.filter(({ from, to }) => folderOf(from) !== folderOf(to)).map(({ from, to }) => [folderOf(from), folderOf(to)] as const))).toEqual([]);
  });

  it('capabilities use only the indicator API of health/; the rest of it is for the process roots', () => {
    const reaching = imports
      .filter(({ from, to }) => folderOf(to) === 'health' && !['health', 'apps'].includes(folderOf(from)) && rel(to) !== 'src/health/health-indicator.ts')
      .map(({ from, to }) => `${rel(from)} -> ${rel(to)}`);
    expect(reaching).toEqual([]);
  });

  it('no folder of src/ holds more than 16 source files directly (a larger one gets rooms)', () => {
    const perFolder = new Map<string, number>();
    for (const file of sourceFiles(SRC).filter((f) => !isSpec(f))) perFolder.set(rel(dirname(file)), (perFolder.get(rel(dirname(file))) ?? 0) + 1);
    expect([...perFolder].filter(([, n]) => n > 16).map(([folder, n]) => `${folder}: ${n}`)).toEqual([]);
  });
});

describe('configuration sections', () => {
  /**
   * Of the processes the image deploys. The local stand-ins (src/dev/) play the other side of a
   * protocol and read the app's own setting for it: the number API stand-in THIRD_PARTY_API_SECRET_NAME.
   */
  it('every variable belongs to exactly one section (no section parses another\'s variables)', () => {
    const sections = [...new Set(Object.entries(ENTRY_POINT_SECTIONS).flatMap(([entry, list]) => (entry.startsWith('dist/apps/') ? list : [])))];
    expect(sections.length).toBeGreaterThan(15);
    const owners = new Map<string, string[]>();
    for (const section of sections) for (const variable of section.variables) owners.set(variable, [...(owners.get(variable) ?? []), section.name]);
    expect([...owners].filter(([, names]) => names.length > 1).map(([variable, names]) => `${variable}: ${names.join(', ')}`)).toEqual([]);
  });
});
