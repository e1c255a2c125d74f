import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigSection } from '../../src/config/config-section.js';
import { queueConfigSection } from '../../src/queue/queue.config.js';
import { localStackConfigSection } from '../../src/dev/local-stack/local-stack.config.js';
import { AZURE_SDK_VARIABLES, ENTRY_POINT_SECTIONS } from '../deploy/support/deploy-files.js';
import { REPO_ROOT } from '../support/processes.js';

/** A process's sections with every section they read, as `loadConfig` validates them. */
function withReads(list: ReadonlyArray<ConfigSection<object>>): ReadonlySet<ConfigSection<object>> {
  const found = new Set(list);
  for (const section of found) for (const read of section.reads) found.add(read);
  return found;
}

/**
 * The config sections each process of this repository validates, by its folder (`apps/api`,
 * `dev/dev-idp`). The one place that knows where the sections are found: the image's entry points
 * as the deploy tests know them (each production root module declares its sections, found by
 * walking its module tree; the dev processes name theirs in main.ts), plus the two processes the
 * image does not run as a service: queue-admin and the local stack.
 */
const PROCESS_SECTIONS: ReadonlyMap<string, ReadonlySet<ConfigSection<object>>> = new Map(
  [
    ...Object.entries(ENTRY_POINT_SECTIONS).map(([entry, list]) => [/^dist\/((?:apps|dev)\/[^/]+)\//.exec(entry)![1]!, list] as const),
    ['apps/queue-admin', [queueConfigSection]] as const, // src/apps/queue-admin/main.ts
    ['dev/local-stack', [localStackConfigSection]] as const, // src/dev/local-stack/main.ts
  ].map(([process, list]) => [process, withReads(list)]),
);

const sections = [...new Set([...PROCESS_SECTIONS.values()].flatMap((set) => [...set]))];
/** Sections a deployed process (src/apps/) loads: a variable they share with a dev process's section is theirs. */
const deployedSections = new Set([...PROCESS_SECTIONS].flatMap(([process, set]) => (process.startsWith('apps/') ? [...set] : [])));
const sectionVariables = new Set(sections.flatMap((s) => s.variables));
const sectionPrefixes = [...new Set(sections.flatMap((s) => s.variablePrefixes))];
const matchesPrefix = (name: string, prefixes: readonly string[]) => prefixes.some((p) => name.startsWith(p) && name.length > p.length);
const readBySection = (name: string) => sectionVariables.has(name) || matchesPrefix(name, sectionPrefixes);
const readByAzureSdk = (name: string) => AZURE_SDK_VARIABLES.includes(name);

/** `NAME=value` and commented `# NAME=value` lines: a variable set, or shown with its default or an example. */
function envExampleVariables(): string[] {
  const text = readFileSync(join(REPO_ROOT, '.env.example'), 'utf8');
  return [...new Set([...text.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!))];
}

/** The backticked variable names in the first cell of a table row (`SECRET_<NAME>` for a family). */
function rowVariables(line: string): string[] {
  return [...line.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*(?:<[A-Z_]+>[A-Z0-9_]*)?)`/g)].map((m) => m[1]!);
}

/**
 * The variables docs/configuration.md documents: the backticked names in the first cell of its
 * table rows. `SECRET_<NAME>` documents the family of variables starting with `SECRET_`.
 */
function documentedVariables(): { rows: string[][]; names: Set<string>; prefixes: string[]; text: string } {
  const text = readFileSync(join(REPO_ROOT, 'docs', 'configuration.md'), 'utf8');
  const rows = text
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map(rowVariables);
  const all = rows.flat();
  return {
    rows,
    text,
    names: new Set(all.filter((n) => !n.includes('<'))),
    prefixes: [...new Set(all.filter((n) => n.includes('<')).map((n) => n.slice(0, n.indexOf('<'))))],
  };
}

describe('configuration: .env.example, the config sections and docs/configuration.md agree', () => {
  const env = envExampleVariables();
  const docs = documentedVariables();
  /** A row of its own, or a documented family plus a mention on the page (the examples it lists). */
  const isDocumented = (name: string) =>
    docs.names.has(name) || (matchesPrefix(name, docs.prefixes) && new RegExp(`\`${name}\``).test(docs.text));

  it('finds the sections, the examples and the documented rows', () => {
    expect(sections.length).toBeGreaterThanOrEqual(15);
    expect(env.length).toBeGreaterThan(100);
    expect(docs.rows.length).toBeGreaterThan(100);
  });

  it('every variable in .env.example is read by a config section (or by the Azure SDK itself)', () => {
    expect(env.filter((name) => !readBySection(name) && !readByAzureSdk(name))).toEqual([]);
  });

  it('every variable in .env.example is documented in docs/configuration.md', () => {
    expect(env.filter((name) => !isDocumented(name))).toEqual([]);
  });

  it('every variable a section reads is in .env.example', () => {
    expect([...sectionVariables].filter((name) => !env.includes(name)).sort()).toEqual([]);
  });

  it('every variable a section reads has a row in docs/configuration.md', () => {
    expect([...sectionVariables].filter((name) => !docs.names.has(name)).sort()).toEqual([]);
  });

  it('every family a section reads by prefix (SECRET_*) is documented, with an example in .env.example', () => {
    expect(sectionPrefixes.length).toBeGreaterThan(0);
    expect(sectionPrefixes.filter((prefix) => !docs.prefixes.includes(prefix))).toEqual([]);
    expect(sectionPrefixes.filter((prefix) => !env.some((name) => matchesPrefix(name, [prefix])))).toEqual([]);
  });

  it('docs/configuration.md documents only variables that exist, each in one row', () => {
    expect([...docs.names].filter((name) => !readBySection(name) && !readByAzureSdk(name))).toEqual([]);
    expect(docs.prefixes.filter((prefix) => !sectionPrefixes.includes(prefix))).toEqual([]);
    const seen = docs.rows.flat();
    expect(seen.filter((name, i) => seen.indexOf(name) !== i)).toEqual([]);
  });
});

/**
 * docs/configuration.md as the sections lay it out: each heading that names a section
 * (`… section \`name\` (\`file\`)`), each variable row with the section heading it sits under (none
 * under a heading that names no section), and the overview's rows
 * (`| [\`name\`](#…) | processes | sections it reads |`).
 */
function configurationPage() {
  const headings: Array<{ name: string; file: string }> = [];
  const rows: Array<{ variables: string[]; under?: string }> = [];
  const overview = new Map<string, { processes: string[]; reads: string[] }>();
  const names = (cell: string) => [...cell.matchAll(/`([\w/-]+)`/g)].map((m) => m[1]!).sort();
  let under: string | undefined;
  let fenced = false;
  for (const line of readFileSync(join(REPO_ROOT, 'docs', 'configuration.md'), 'utf8').split('\n')) {
    if (/^(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const heading = /^#{1,6}\s/.test(line);
    const section = heading ? /section `(\w+)` \(`([^`]+)`\)/.exec(line) : null;
    const listed = /^\| \[`(\w+)`\]\(#[^)]*\) \|([^|]*)\|([^|]*)\|/.exec(line);
    if (heading) under = section?.[1];
    if (section) headings.push({ name: section[1]!, file: section[2]! });
    if (line.startsWith('| `')) rows.push({ variables: rowVariables(line), under });
    if (listed) overview.set(listed[1]!, { processes: names(listed[2]!), reads: names(listed[3]!) });
  }
  return { headings, rows, overview };
}

/**
 * The sections a variable's row belongs under: those whose variables name it (a deployed
 * process's section before a dev process's that reads the same variable), or, for a family
 * (`SECRET_<NAME>`), the section reading its prefix. None for a variable only the Azure SDK reads.
 */
function ownersOf(variable: string): string[] {
  const naming = sections.filter((s) => s.variables.includes(variable));
  const deployed = naming.filter((s) => deployedSections.has(s));
  if (naming.length) return (deployed.length ? deployed : naming).map((s) => s.name);
  const prefix = variable.includes('<') ? variable.slice(0, variable.indexOf('<')) : undefined;
  return sections.filter((s) => prefix !== undefined && s.variablePrefixes.includes(prefix)).map((s) => s.name);
}

describe('configuration: docs/configuration.md is laid out by the config sections as they are', () => {
  const page = configurationPage();

  it('has one heading per section, naming the file that defines it', () => {
    expect(page.headings.map((h) => h.name).sort()).toEqual(sections.map((s) => s.name).sort());
    const wrongFile = page.headings.filter(({ name, file }) => {
      const path = join(REPO_ROOT, file);
      return !existsSync(path) || !new RegExp(`defineConfigSection\\(\\s*'${name}'`).test(readFileSync(path, 'utf8'));
    });
    expect(wrongFile.map(({ name, file }) => `${name}: ${file}`)).toEqual([]);
  });

  it("puts each variable's row under the heading of the section that owns it", () => {
    expect(page.rows.length).toBeGreaterThan(100);
    const misplaced = page.rows.flatMap(({ variables, under }) =>
      variables
        .filter((variable) => (ownersOf(variable).length ? !ownersOf(variable).includes(under ?? '') : under !== undefined))
        .map((variable) => `${variable}: under ${under ?? 'no section'}, owned by ${ownersOf(variable).join(' or ') || 'the Azure SDK (no section)'}`),
    );
    expect(misplaced).toEqual([]);
  });

  it('lists every section with the processes that load it and the sections it reads', () => {
    const line = (name: string, processes: string[], reads: string[]) => `${name}: ${processes.join(', ')} | reads ${reads.join(', ') || 'nothing'}`;
    const expected = sections.map((s) =>
      line(s.name, [...PROCESS_SECTIONS].filter(([, set]) => set.has(s)).map(([process]) => process).sort(), s.reads.map((r) => r.name).sort()),
    );
    const listed = [...page.overview].map(([name, { processes, reads }]) => line(name, processes, reads));
    expect(listed.sort()).toEqual(expected.sort());
  });
});
