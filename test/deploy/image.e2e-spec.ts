import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/processes.js';

/**
 * The container image's build and start steps without Docker: a production install (npm ci
 * --omit=dev) of package.json + dist/ into a temp dir, then each entry point started from there
 * answers (API and watcher /health/live, number API with its key) and stops cleanly on SIGTERM. Uses npm's cache (no registry needed when warm).
 */
describe('image build and start (deploy/image/build-and-start.sh)', () => {
  it('installs production dependencies only; the API, the watcher and the number API start from the install', () => {
    const result = spawnSync(join(REPO_ROOT, 'deploy', 'image', 'build-and-start.sh'), ['--skip-build'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH}`, PORT: '' },
      timeout: 240_000,
    });
    const output = `${result.stdout}\n${result.stderr}`;
    expect({ status: result.status, tail: output.split('\n').slice(-8).join('\n') }).toEqual({ status: 0, tail: expect.any(String) });
    expect(output).toContain('entry points present: dist/apps/api/main.js dist/apps/watcher/main.js dist/dev/number-api/main.js; no dev dependencies');
    expect(output).toMatch(/API: GET \/health\/live -> 200 \{"status":"ok"/);
    expect(output).toMatch(/watcher: GET \/health\/live -> 200 \{"status":"ok"/);
    expect(output).toMatch(/number API: GET \/api\/RandomNumber\?code=image-smoke-key -> 200 \{"value":\d+\}/);
    for (const part of ['API', 'watcher', 'number API']) expect(output).toContain(`${part} stopped cleanly on SIGTERM`);
  }, 300_000);
});
