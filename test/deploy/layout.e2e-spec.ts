import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '../support/processes.js';

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

/** Every module specifier of a file: static imports, re-exports and dynamic import('…'). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|[\s;])(import|export)\s([^'"]*?)from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    // `import type …` is erased by the compiler: it is no runtime edge.
    if (m[2]?.startsWith('type ')) continue;
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
      ['src/apps/api/main.ts', 'src/apps/queue-admin/main.ts', 'src/apps/tiniapp-backend/main.ts', 'src/apps/watcher/main.ts'],
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
