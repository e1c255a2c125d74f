import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { startApp, type RunningApp } from '../support/app.js';
import { AZURITE_KEY } from '../support/azurite.js';
import { loadConfig } from '../../src/config/load-config.js';
import { observabilityConfigSection } from '../../src/observability/observability.config.js';
import { startOpsServer, type OpsServer } from '../../src/health/ops-server.js';
import { startTelemetry } from '../../src/observability/telemetry.js';
import { appContainers, renderKustomization, REPO_ROOT } from './support/deploy-files.js';

/**
 * The probe paths in the manifests and the image's HEALTHCHECK are routes the processes really
 * serve: each is requested from the real API and the real watcher operations listener. A
 * readiness probe may answer 503 (dependencies down here), but never 404.
 */
describe('probe paths are served', () => {
  let api: RunningApp;
  let ops: OpsServer;

  const probes = (entry: string) => {
    const paths = new Set<string>();
    for (const overlay of ['local', 'azure']) {
      for (const c of appContainers(renderKustomization(join(REPO_ROOT, 'deploy', 'k8s', 'overlays', overlay)))) {
        if (c.entry !== entry) continue;
        for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
          const path = c.container[probe]?.httpGet?.path;
          if (path) paths.add(path);
        }
      }
    }
    return [...paths];
  };

  beforeAll(async () => {
    api = await startApp({
      THIRD_PARTY_API_ENDPOINT: 'http://127.0.0.1:9/api/RandomNumber',
      SECRET_THIRD_PARTY_API_KEY: 'k',
      AZURE_STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_KEY};QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;`,
      QUEUE_MAX_TRIES: '1',
      QUEUE_REQUEST_TIMEOUT_MS: '300',
      THIRD_PARTY_API_TIMEOUT_MS: '300',
    });
    const config = loadConfig({}, [observabilityConfigSection]).get(observabilityConfigSection);
    const report = { status: 'ok' as const, info: {}, error: {}, details: {} };
    ops = await startOpsServer({ host: '127.0.0.1', port: 0, config, telemetry: await startTelemetry(config), health: { live: async () => report, ready: async () => report } });
  });

  afterAll(async () => {
    await ops?.close();
    await api?.close();
  });

  it('API probes (and the Dockerfile HEALTHCHECK) hit API routes', async () => {
    const healthcheck = /^HEALTHCHECK[\s\S]*?(\/health\/\w+)/m.exec(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'))![1]!;
    const paths = [...new Set([...probes('dist/apps/api/main.bundle.js'), healthcheck])];
    expect(paths).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
    for (const path of paths) {
      const res = await fetch(`${api.url}${path}`);
      expect({ path, status: [200, 503].includes(res.status) ? 'served' : res.status }).toEqual({ path, status: 'served' });
    }
    expect((await fetch(`${api.url}/health/live`)).status).toBe(200);
  });

  it('watcher probes hit the operations listener', async () => {
    const paths = probes('dist/apps/watcher/main.bundle.js');
    expect(paths).toEqual(['/health/live']);
    for (const path of paths) expect((await fetch(`http://127.0.0.1:${ops.port}${path}`)).status).toBe(200);
  });
});
