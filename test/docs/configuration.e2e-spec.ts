import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigSection } from '../../src/config/config-section.js';
import { apiConfigSections } from '../../src/apps/api/app.factory.js';
import { watcherConfigSections } from '../../src/apps/watcher/watcher.factory.js';
import { tiniAppBackendConfigSections } from '../../src/apps/tiniapp-backend/tiniapp-backend.module.js';
import { queueConfigSection } from '../../src/queue/queue.config.js';
import { devIdpConfigSection } from '../../src/dev/dev-idp/dev-idp.config.js';
import { tikiStandinConfigSection } from '../../src/dev/tiki-standin/tiki-standin.config.js';
import { numberApiServerConfigSection } from '../../src/dev/number-api/number-api-server.config.js';
import { localStackConfigSection } from '../../src/dev/local-stack/local-stack.config.js';
import { detailsStandinConfigSection, reviewsStandinConfigSection } from '../../src/dev/standin-service/standin-service.config.js';
import { AZURE_SDK_VARIABLES } from '../deploy/support/deploy-files.js';
import { REPO_ROOT } from '../support/processes.js';

/**
 * Every config section some process of this repository validates. The one place that knows where
 * the sections are found: the sections each production process's root module declares (found by
 * walking its module tree), queue-admin's queue section and the dev processes' sections (their
 * main.ts call loadConfig).
 */
function allConfigSections(): ReadonlyArray<ConfigSection<object>> {
  return [
    ...new Set([
      ...apiConfigSections(),
      ...watcherConfigSections(),
      ...tiniAppBackendConfigSections(),
      queueConfigSection, // src/apps/queue-admin/main.ts
      devIdpConfigSection,
      tikiStandinConfigSection,
      numberApiServerConfigSection,
      localStackConfigSection,
      detailsStandinConfigSection, // src/dev/details/main.ts
      reviewsStandinConfigSection, // src/dev/reviews/main.ts
    ]),
  ];
}

const sections = allConfigSections();
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

/**
 * The variables docs/configuration.md documents: the backticked names in the first cell of its
 * table rows. `SECRET_<NAME>` documents the family of variables starting with `SECRET_`.
 */
function documentedVariables(): { rows: string[][]; names: Set<string>; prefixes: string[]; text: string } {
  const text = readFileSync(join(REPO_ROOT, 'docs', 'configuration.md'), 'utf8');
  const rows = text
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => [...line.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*(?:<[A-Z_]+>[A-Z0-9_]*)?)`/g)].map((m) => m[1]!));
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
