import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { createStandinServer } from '../../src/dev/standin-service/standin-service.server.js';
import { freePort, startAuthApp, startTestIdp, type AuthApp } from '../auth/support/oidc-harness.js';
import { startNginx, type NginxHandle } from './nginx.js';
import { REPO_ROOT } from './processes.js';

/** The nginx recipe as shipped. */
export const FORWARD_AUTH_TEMPLATE = readFileSync(join(REPO_ROOT, 'deploy', 'nginx', 'forward-auth.conf.template'), 'utf8');

export interface ForwardAuthStack {
  idp: RunningDevIdp;
  app: AuthApp;
  nginx: NginxHandle;
  /** `http://app.example.test:<nginx port>`: the app, through nginx (PUBLIC_BASE_URL). */
  appOrigin: string;
  /** `http://details.example.test:<nginx port>`: the protected details service, through nginx. */
  serviceOrigin: string;
  /** The headers of every request the details service received. */
  received: IncomingHttpHeaders[];
  stop(): Promise<void>;
}

/**
 * deploy/nginx's recipe in real nginx on one loopback port, with name-based virtual hosts
 * app.example.test (the real API, Memory sessions, AUTH_COOKIE_DOMAIN=example.test) and
 * details.example.test (the details stand-in, audience details-api), and the dev IdP.
 */
export async function startForwardAuthStack(): Promise<ForwardAuthStack> {
  const [nginxPort, apiPort] = [await freePort(), await freePort()];
  const appOrigin = `http://app.example.test:${nginxPort}`;
  const serviceOrigin = `http://details.example.test:${nginxPort}`;
  const idp = await startTestIdp([appOrigin]);
  const app = await startAuthApp(apiPort, {
    AUTH_PROVIDER: 'dev',
    OIDC_ISSUER_URL: idp.issuer,
    AUTH_SESSION_STORE: 'memory',
    PUBLIC_BASE_URL: appOrigin,
    AUTH_COOKIE_DOMAIN: 'example.test',
    AUTH_REDIRECT_ALLOWED_HOSTS: `details.example.test:${nginxPort}`,
    AUTH_VERIFY_AUDIENCES: 'details-api',
  });
  const received: IncomingHttpHeaders[] = [];
  const service: Server = createStandinServer({ service: 'details', audience: 'details-api', issuer: idp.issuer, answer: (id) => ({ id, author: 'William Shakespeare' }) });
  service.prependListener('request', (req) => received.push(req.headers));
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  const nginx = await startNginx({
    template: FORWARD_AUTH_TEMPLATE,
    port: nginxPort,
    vars: {
      APP_HOST: 'app.example.test',
      APP_URL: appOrigin,
      API_UPSTREAM: `http://127.0.0.1:${apiPort}`,
      SERVICE_HOST: 'details.example.test',
      SERVICE_UPSTREAM: `http://127.0.0.1:${(service.address() as AddressInfo).port}`,
      SERVICE_AUDIENCE: 'details-api',
    },
  });
  return {
    idp,
    app,
    nginx,
    appOrigin,
    serviceOrigin,
    received,
    async stop() {
      await nginx.stop();
      await app.close();
      await idp.close();
      service.closeAllConnections();
      await new Promise((resolve) => service.close(resolve));
    },
  };
}
