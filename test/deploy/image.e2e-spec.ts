import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/processes.js';

/**
 * The container image's build and start steps without Docker: a production install (npm ci
 * --omit=dev) of package.json + dist/ into a temp dir, then each entry point started from there
 * answers (API and watcher /health/live, number API with its key) and stops cleanly on SIGTERM. Uses npm's cache (no registry needed when warm).
 * The installed tree is then searched for development code.
 */
describe('image build and start (deploy/image/build-and-start.sh)', () => {
  const imageDir = mkdtempSync(join(tmpdir(), 'image-tree-'));
  let output = '';
  let status: number | null = null;

  beforeAll(() => {
    const result = spawnSync(join(REPO_ROOT, 'deploy', 'image', 'build-and-start.sh'), ['--skip-build'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH}`, PORT: '', IMAGE_DIR: imageDir },
      timeout: 240_000,
    });
    output = `${result.stdout}\n${result.stderr}`;
    status = result.status;
  }, 300_000);
  afterAll(() => rmSync(imageDir, { recursive: true, force: true }));

  it('installs production dependencies only; the API, the watcher and the number API start from the install', () => {
    expect({ status, tail: output.split('\n').slice(-8).join('\n') }).toEqual({ status: 0, tail: expect.any(String) });
    expect(output).toContain('entry points present: dist/apps/api/main.bundle.js dist/apps/watcher/main.bundle.js dist/dev/number-api/main.bundle.js; no dev dependencies');
    expect(output).toMatch(/API: GET \/health\/live -> 200 \{"status":"ok"/);
    expect(output).toMatch(/watcher: GET \/health\/live -> 200 \{"status":"ok"/);
    expect(output).toMatch(/number API: GET \/api\/RandomNumber\?code=image-smoke-key -> 200 \{"value":\d+\}/);
    for (const part of ['API', 'watcher', 'number API']) expect(output).toContain(`${part} stopped cleanly on SIGTERM`);
  });

  it('the image tree has no dev code: dist/dev/ holds only the deployed number API stand-in, node_modules no oidc-provider', () => {
    expect(status).toBe(0);
    expect(readdirSync(join(imageDir, 'dist', 'dev'))).toEqual(['number-api']);
    // The doctor is in the image: a deployment checks its own configuration with it (node dist/apps/doctor/main.bundle.js).
    expect(readdirSync(join(imageDir, 'dist', 'apps')).sort()).toEqual(['api', 'doctor', 'queue-admin', 'tiniapp-backend', 'watcher']);
    expect(existsSync(join(imageDir, 'dist', 'apps', 'doctor', 'main.bundle.js'))).toBe(true);
    expect(existsSync(join(imageDir, 'node_modules', 'oidc-provider'))).toBe(false);
    // Nothing left under dist/ still names a dev folder that was dropped.
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
    const referrers = files(join(imageDir, 'dist'))
      .filter((f) => f.endsWith('.js'))
      .filter((f) => /from ['"][^'"]*\/dev\/(dev-idp|tiki-standin|local-stack)\//.test(readFileSync(f, 'utf8')) || /from ['"]oidc-provider['"]/.test(readFileSync(f, 'utf8')));
    expect(referrers).toEqual([]);
  });

  it('the Dockerfile applies the same rule to the real image', () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('RUN find dist/dev -mindepth 1 -maxdepth 1 ! -name number-api -exec rm -rf {} +');
    expect(readFileSync(join(REPO_ROOT, 'deploy', 'image', 'build-and-start.sh'), 'utf8')).toContain('find "$dir/dist/dev" -mindepth 1 -maxdepth 1 ! -name number-api -exec rm -rf {} +');
  });
});
