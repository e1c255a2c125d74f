import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '../support/processes.js';

/** The Markdown files a reader follows links through: the README, DEVELOPERS.md and everything under docs/. */
function markdownFiles(): string[] {
  const under = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? under(path) : path.endsWith('.md') ? [path] : [];
    });
  return [join(REPO_ROOT, 'README.md'), join(REPO_ROOT, 'DEVELOPERS.md'), ...under(join(REPO_ROOT, 'docs'))].sort();
}

/** The text a reader sees as prose: fenced code blocks and inline code spans blanked out. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '``');
}

/** Inline links and images `[text](target)` and reference definitions `[label]: target`. */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const definitions = [...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)].map((m) => m[1]!);
  return [...inline, ...definitions];
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as dashes, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const withoutFences = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const match of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = match[1]!.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`/g, '');
    const base = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

describe('documentation: README length and links', () => {
  const files = markdownFiles();
  const rel = (path: string) => relative(REPO_ROOT, path);

  it('finds the README, DEVELOPERS.md and the docs', () => {
    expect(files.map(rel)).toEqual(expect.arrayContaining(['README.md', 'DEVELOPERS.md', 'docs/configuration.md', 'docs/architecture.md']));
    expect(files.length).toBeGreaterThan(20);
  });

  it('README.md has at most 250 lines', () => {
    const lines = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').replace(/\n$/, '').split('\n').length;
    expect(lines).toBeLessThanOrEqual(250);
  });

  it('every relative link points to a file that exists, and every anchor to a heading there', () => {
    const broken: string[] = [];
    for (const file of files) {
      for (const target of linkTargets(readFileSync(file, 'utf8'))) {
        if (isExternal(target)) continue;
        const [path, anchor] = target.split('#', 2) as [string, string | undefined];
        const destination = path ? resolve(dirname(file), decodeURIComponent(path)) : file;
        if (!existsSync(destination)) {
          broken.push(`${rel(file)}: ${target} (no such file)`);
        } else if (anchor && destination.endsWith('.md') && !anchorsOf(readFileSync(destination, 'utf8')).has(anchor)) {
          broken.push(`${rel(file)}: ${target} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('every repository path README.md and docs/ name in code (`src/…`, `test/…`, `deploy/…`, …) exists', () => {
    // Templates (`src/<name>/…`) name no file; DEVELOPERS.md's how-to names files a new provider would add.
    const missing: string[] = [];
    for (const file of files.filter((f) => !f.endsWith('DEVELOPERS.md'))) {
      for (const [, span] of readFileSync(file, 'utf8').matchAll(/`([^`\n]+)`/g)) {
        if (span!.includes('<')) continue;
        for (const [, path] of span!.matchAll(/(?<![\w./-])((?:src|test|deploy|bench|scripts|dist|\.ci)\/[\w./-]*)/g)) {
          const clean = path!.replace(/[.,]+$/, '');
          if (!clean.includes('*') && !existsSync(join(REPO_ROOT, clean))) missing.push(`${rel(file)}: ${clean}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('README.md and docs/ say what and when, not which ticket: no issue, round or seed numbers', () => {
    const found = files.filter((file) => !file.endsWith('DEVELOPERS.md')).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (/\b(issues?|rounds?|seeds?) #?\d/i.test(line) ? [`${rel(file)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(found).toEqual([]);
  });
});

describe('the link checker itself', () => {
  it('reads inline links, images and reference definitions, and skips code', () => {
    const md = ['See [a](a.md#x) and ![i](img.png "t").', '`[not](code.md)`', '```', '[no](fenced.md)', '```', '[ref]: ../b.md'].join('\n');
    expect(linkTargets(md)).toEqual(['a.md#x', 'img.png', '../b.md']);
  });

  it('makes GitHub anchors', () => {
    const md = ['## Login — section `auth` (`src/auth/auth.config.ts`)', '### Keycloak (`AUTH_PROVIDER=keycloak`)', '## Tests', '## Tests'].join('\n');
    expect([...anchorsOf(md)]).toEqual(['login--section-auth-srcauthauthconfigts', 'keycloak-auth_providerkeycloak', 'tests', 'tests-1']);
  });
});
