import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { DEMO_USER } from '../../src/dev/dev-idp/dev-idp.provider.js';
import type { StandinCaller } from '../../src/dev/standin-service/standin-service.server.js';
import { SessionsService } from '../../src/auth/sessions/sessions.service.js';
import type { AuthApp } from '../auth/support/oidc-harness.js';
import { startForwardAuthStack, type ForwardAuthStack } from '../support/forward-auth-stack.js';
import type { NginxHandle } from '../support/nginx.js';
import { REPO_ROOT } from '../support/processes.js';
import { VirtualHostBrowser, type VirtualHostResponse } from '../support/virtual-host-browser.js';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { forwardAuthConfigSection } from '../../src/auth/forward-auth/forward-auth.config.js';
import { sessionsConfigSection } from '../../src/auth/sessions/sessions.config.js';
import { AUTH_REQUEST_HEADERS } from '../../src/auth/forward-auth/forward-auth.service.js';
import { appContainers, renderKustomization } from './support/deploy-files.js';

/**
 * deploy/nginx/forward-auth.conf.template, as shipped, in REAL nginx (Debian's, with auth_request)
 * in front of the real API and the details stand-in: the app at app.example.test, the service at
 * details.example.test, one port, name-based virtual hosts.
 */
describe('the nginx forward-auth recipe (deploy/nginx) with real nginx, the API and a service', () => {
  let stack: ForwardAuthStack;
  let idp: RunningDevIdp;
  let app: AuthApp;
  let nginx: NginxHandle;
  let appHost = '';
  let serviceHost = '';
  let received: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    stack = await startForwardAuthStack();
    ({ idp, app, nginx, received } = stack);
    appHost = new URL(stack.appOrigin).host;
    serviceHost = new URL(stack.serviceOrigin).host;
  }, 60_000);

  afterAll(() => stack?.stop());

  beforeEach(() => {
    received.length = 0;
  });

  /** Logs in from a page of the service, through nginx's @login and the app's /auth/start, and returns where the browser ends up. */
  async function signInFrom(browser: VirtualHostBrowser, page: string): Promise<VirtualHostResponse> {
    const isForm = (u: URL) => u.origin === idp.issuer && u.pathname.startsWith('/interaction/');
    const atIdp = await browser.follow(page, isForm);
    const form = await browser.request(atIdp.url);
    const action = /<form method="post" action="([^"]+)"/.exec(form.body)?.[1];
    if (!action) throw new Error(`no login form: ${browser.visited.join('\n')}`);
    return browser.follow(new URL(action, atIdp.url).href, undefined, { form: { username: DEMO_USER.username, password: DEMO_USER.password } });
  }

  const callerOf = (res: VirtualHostResponse) => (JSON.parse(res.body) as { caller: StandinCaller }).caller;

  it('a page of the service leads to the login and back to that exact page; the service gets X-Auth-Request-User and a token for its own audience', async () => {
    const browser = new VirtualHostBrowser('.example.test', nginx.port);
    const page = `http://${serviceHost}/details/7?view=full&lang=en`;
    const first = await browser.request(page, { headers: { accept: 'application/json' } });
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe(`http://${appHost}/auth/start?rd=http://${serviceHost}/details/7?view=full&lang=en`);

    const landed = await signInFrom(browser, page);
    expect(landed.url).toBe(page);
    expect(landed.status).toBe(200);
    const caller = callerOf(landed);
    expect(caller).toMatchObject({ sub: DEMO_USER.sub, aud: ['details-api'], forwardedUser: DEMO_USER.sub });
    // The session cookie is the parent domain's (AUTH_COOKIE_DOMAIN), and nginx keeps it from the service.
    expect(browser.cookieNames('details.example.test')).toContain('app_session');
    expect(String(received.at(-1)?.cookie ?? '')).not.toContain('app_session');
    expect(received.at(-1)).toMatchObject({ 'x-auth-request-email': DEMO_USER.email, 'x-auth-request-groups': DEMO_USER.roles.join(','), 'x-auth-request-preferred-username': DEMO_USER.username });
  }, 60_000);

  it('?allowed_roles (the recipe’s /admin/): 403 for a user without the role, the service never called', async () => {
    const browser = new VirtualHostBrowser('.example.test', nginx.port);
    await signInFrom(browser, `http://${serviceHost}/details/1`);
    received.length = 0;
    expect((await browser.request(`http://${serviceHost}/admin/settings`)).status).toBe(403);
    expect(received).toHaveLength(0);
  }, 60_000);

  it('API clients: a Bearer token through the proxy is accepted, and the service gets a token exchanged for it, not the client’s', async () => {
    const browser = new VirtualHostBrowser('.example.test', nginx.port);
    await signInFrom(browser, `http://${serviceHost}/details/1`);
    // The user's own access token (audience: this API), as an API client would hold it.
    const session = await firstSession(browser);
    const api = new VirtualHostBrowser('.example.test', nginx.port);
    const answer = await api.request(`http://${serviceHost}/details/3`, { headers: { authorization: `Bearer ${session.accessToken}`, accept: 'application/json', 'x-auth-request-user': 'mallory' } });
    expect(answer.status).toBe(200);
    const token = /^Bearer (\S+)$/.exec(String(received.at(-1)?.authorization))![1]!;
    expect(token).not.toBe(session.accessToken);
    expect((await jwtVerify(token, createRemoteJWKSet(new URL(`${idp.issuer}/jwks`)), { issuer: idp.issuer, audience: 'details-api' })).payload.sub).toBe(DEMO_USER.sub);
    expect(callerOf(answer).forwardedUser).toBe(DEMO_USER.sub); // never the client's "mallory"
    // A bad token: 401, which the recipe turns into the login redirect.
    expect((await api.request(`http://${serviceHost}/details/3`, { headers: { authorization: 'Bearer nope' } })).status).toBe(302);
  }, 60_000);

  it('a POST with a body: nginx’s subrequest is a bodiless GET and still decides', async () => {
    const browser = new VirtualHostBrowser('.example.test', nginx.port);
    await signInFrom(browser, `http://${serviceHost}/details/1`);
    const post = await browser.request(`http://${serviceHost}/details/4`, { method: 'POST', body: 'form=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(post.status).toBe(404); // the stand-in answers only GET: the request got through auth to it
    expect(received.at(-1)?.['x-auth-request-user']).toBe(DEMO_USER.sub);
  }, 60_000);

  it('the app’s own host does not expose /auth/verify (it would hand a browser the exchanged token)', async () => {
    const browser = new VirtualHostBrowser('.example.test', nginx.port);
    expect((await browser.request(`http://${appHost}/auth/verify?audience=details-api`)).status).toBe(404);
    expect((await browser.request(`http://${appHost}/auth/verify/x`)).status).toBe(404);
    expect((await browser.request(`http://${appHost}/`)).status).toBe(200);
  });

  /** The session the browser's cookie names (read from the app: the API never hands tokens out). */
  async function firstSession(browser: VirtualHostBrowser) {
    expect((await browser.request(`http://${appHost}/auth/me`)).status).toBe(200);
    return (await app.app.get(SessionsService).fromCookie(browser.cookieValue('app.example.test', 'app_session')))!;
  }
});

/** The other recipes, read as their controllers would: the same endpoint, headers and app settings as the nginx one. */
describe('the ingress-nginx and Traefik forward-auth recipes', () => {
  const headers = [...Object.values(AUTH_REQUEST_HEADERS), 'Authorization'];

  it('the local overlay protects whoami with ingress-nginx annotations the app’s own config agrees with', () => {
    const overlay = join(REPO_ROOT, 'deploy', 'k8s', 'overlays', 'local');
    const rendered = renderKustomization(overlay);
    const namespace = (parseAllDocuments(readFileSync(join(overlay, 'kustomization.yaml'), 'utf8'))[0]!.toJS() as { namespace: string }).namespace;
    const ingress = rendered.objects.find((o) => o.kind === 'Ingress' && o.metadata.name === 'whoami')!;
    const annotations = ingress.metadata.annotations!;
    const authUrl = new URL(annotations['nginx.ingress.kubernetes.io/auth-url']!);
    expect(authUrl.host).toBe(`api.${namespace}.svc.cluster.local`);
    expect(authUrl.pathname).toBe('/auth/verify');
    expect(annotations['nginx.ingress.kubernetes.io/auth-response-headers']!.split(',')).toEqual(headers);
    const api = appContainers(rendered).find((c) => c.entry === 'dist/apps/api/main.bundle.js')!;
    const config = loadConfig(api.env, [forwardAuthConfigSection, sessionsConfigSection]);
    const publicBase = config.get(forwardAuthConfigSection).publicBaseUrl;
    expect(annotations['nginx.ingress.kubernetes.io/auth-signin']).toBe(new URL('/auth/start', publicBase).href);
    const host = ingress.spec.rules[0].host as string;
    // ingress-nginx's ?rd= (scheme and host raw, the rest encoded) names an allowed return target.
    expect(config.get(forwardAuthConfigSection).redirectTargets.absolute(`http://${host}/some/page?x=1`)).toBe(`http://${host}/some/page?x=1`);
    expect(host.endsWith(`.${config.get(sessionsConfigSection).cookieDomain}`)).toBe(true);
  });

  it('Traefik: ForwardAuth middlewares ask /auth/verify in the cluster and copy oauth2-proxy’s headers and the exchanged token', () => {
    const docs = parseAllDocuments(readFileSync(join(REPO_ROOT, 'deploy', 'traefik', 'forward-auth.yaml'), 'utf8')).map((d) => d.toJS() as { kind: string; spec: any }); // eslint-disable-line @typescript-eslint/no-explicit-any
    const middlewares = docs.filter((d) => d.kind === 'Middleware');
    expect(middlewares.length).toBe(2);
    for (const m of middlewares) {
      const address = new URL(m.spec.forwardAuth.address);
      expect(address.pathname).toBe('/auth/verify');
      expect(address.hostname.endsWith('.svc.cluster.local')).toBe(true);
      expect(m.spec.forwardAuth.trustForwardHeader).toBe(false);
      expect(m.spec.forwardAuth.authResponseHeaders).toContain('Authorization');
      expect(headers).toEqual(expect.arrayContaining(m.spec.forwardAuth.authResponseHeaders));
    }
    expect(middlewares[0]!.spec.forwardAuth.authResponseHeaders).toEqual(headers);
    const route = docs.find((d) => d.kind === 'IngressRoute')!;
    expect(route.spec.routes.flatMap((r: { middlewares: Array<{ name: string }> }) => r.middlewares.map((x) => x.name)).sort()).toEqual(middlewares.map((m) => (m as unknown as { metadata: { name: string } }).metadata.name).sort());
  });
});
