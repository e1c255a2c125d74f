import { existsSync } from 'node:fs';

/** Debian's Chromium, driven through playwright-core (no browser download). */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
/**
 * Test support only: look for Chromium here instead. The detection's own test points it at a
 * missing path to see the skip (and, with CI=true, the failure).
 */
export const CHROMIUM_PATH_VARIABLE = 'TEST_CHROMIUM_PATH';
/** Headless, no sandbox (containers), nothing fetched in the background: the flags every browser test launches with. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
export const INSTALL_HINT = 'install it with "apt-get install chromium"';

export type ChromiumLookup = { found: true; path: string } | { found: false; path: string; message: string };

export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const path = env[CHROMIUM_PATH_VARIABLE] || DEFAULT_CHROMIUM;
  if (existsSync(path)) return { found: true, path };
  return { found: false, path, message: `Browser tests skipped: no Chromium at ${path}; ${INSTALL_HINT}.` };
}

/** CI providers set CI=true (some CI=1): there a missing browser is a broken runner, not a choice. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(true|1)$/i.test(env.CI ?? '');
}

/**
 * `describe` for tests that drive Chromium. Without Chromium, a developer's `npm test` skips them
 * and says so in one line; on CI (CI=true) the run fails instead, as a missing browser there
 * means the runner is broken.
 */
export function describeWithChromium(name: string, body: (chromiumPath: string) => void): void {
  const chromium = findChromium();
  if (chromium.found) {
    describe(name, () => body(chromium.path));
  } else if (isCi()) {
    describe(name, () => {
      it('has Chromium to drive (CI=true)', () => {
        throw new Error(`The browser tests drive Chromium at ${chromium.path}, which is missing: ${INSTALL_HINT} (.ci/run does).`);
      });
    });
  } else {
    process.stderr.write(`${chromium.message}\n`);
    describe.skip(name, () => body(chromium.path));
  }
}
