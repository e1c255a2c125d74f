import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/processes.js';
import { CHROMIUM_PATH_VARIABLE } from './support/chromium.js';

const MISSING = '/nonexistent/chromium-for-the-detection-test';

/** Runs Jest on the browser spec as `npm test` would, with Chromium looked up at a missing path. */
async function runBrowserSpecWithoutChromium(extraEnv: Record<string, string>) {
  const jest = join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
  const env: Record<string, string | undefined> = { ...process.env, [CHROMIUM_PATH_VARIABLE]: MISSING, ...extraEnv };
  if (!('CI' in extraEnv)) delete env.CI;
  const child = spawn(process.execPath, [jest, '--selectProjects', 'integration', '--runTestsByPath', 'test/browser/login.e2e-spec.ts'], {
    cwd: REPO_ROOT,
    env: { ...env, NODE_OPTIONS: '--experimental-vm-modules' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, output };
}

describe('browser tests without Chromium', () => {
  it('a developer machine skips them, with one line saying how to install Chromium', async () => {
    const { code, output } = await runBrowserSpecWithoutChromium({});
    expect(code).toBe(0);
    const hint = output.split('\n').filter((line) => line.includes('apt-get install chromium'));
    expect(hint).toEqual([`Browser tests skipped: no Chromium at ${MISSING}; install it with "apt-get install chromium".`]);
    expect(output).toMatch(/Tests:\s+(\d+) skipped, \1 total/);
  }, 60_000);

  it('CI=true fails the run instead', async () => {
    const { code, output } = await runBrowserSpecWithoutChromium({ CI: 'true' });
    expect(code).not.toBe(0);
    expect(output).toContain(`The browser tests drive Chromium at ${MISSING}, which is missing`);
  }, 60_000);
});
