import { createServer, type IncomingMessage, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { nginxBuildInfo, renderNginxTemplate, startNginx, type NginxHandle } from '../support/nginx.js';

/** A forward-auth recipe in the shape issue 19's deploy/ config will have. */
const TEMPLATE = `
server {
  listen \${LISTEN};

  location = /_auth {
    internal;
    proxy_pass \${AUTH_URL};
    proxy_pass_request_body off;
    proxy_set_header Content-Length "";
    proxy_set_header X-Original-URI $request_uri;
  }

  location / {
    auth_request /_auth;
    auth_request_set $auth_user $upstream_http_x_auth_request_user;
    auth_request_set $auth_email $upstream_http_x_auth_request_email;
    proxy_set_header X-Auth-Request-User $auth_user;
    proxy_set_header X-Auth-Request-Email $auth_email;
    proxy_pass \${SERVICE_URL};
  }

  location /app/ {
    auth_request /_auth;
    error_page 401 = @login;
    proxy_pass \${SERVICE_URL};
  }

  location @login {
    return 302 \${LOGIN_URL}?rd=$scheme://$http_host$request_uri;
  }
}
`;

async function listen(handler: (req: IncomingMessage) => { status: number; headers?: Record<string, string>; body?: string }): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      (req as IncomingMessage & { body?: string }).body = Buffer.concat(chunks).toString();
      const answer = handler(req);
      res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}
const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** Real Debian nginx with auth_request in front of a node:http service, asking a node:http "auth" server. */
describe('nginx harness with auth_request (real nginx)', () => {
  let auth: Server;
  let service: Server;
  let nginx: NginxHandle;
  const authCalls: { method: string; url: string; originalUri: string; body: string; contentLength?: string }[] = [];
  const serviceCalls: { url: string; headers: IncomingMessage['headers'] }[] = [];

  beforeAll(async () => {
    auth = await listen((req) => {
      authCalls.push({
        method: req.method ?? '',
        url: req.url ?? '',
        originalUri: String(req.headers['x-original-uri'] ?? ''),
        body: (req as IncomingMessage & { body?: string }).body ?? '',
        contentLength: req.headers['content-length'],
      });
      switch (req.headers.authorization) {
        case 'Bearer alice':
          return { status: 202, headers: { 'X-Auth-Request-User': 'alice', 'X-Auth-Request-Email': 'alice@example.test' } };
        case 'Bearer no-role':
          return { status: 403 };
        case 'Bearer broken':
          return { status: 502 };
        default:
          return { status: 401 };
      }
    });
    service = await listen((req) => {
      serviceCalls.push({ url: req.url ?? '', headers: req.headers });
      return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: `service saw ${req.url}` };
    });
    nginx = await startNginx({
      template: TEMPLATE,
      vars: { AUTH_URL: `${urlOf(auth)}/auth/verify`, SERVICE_URL: urlOf(service), LOGIN_URL: 'http://login.example.test/auth/start' },
    });
  });

  beforeEach(() => {
    authCalls.length = 0;
    serviceCalls.length = 0;
  });

  afterAll(async () => {
    await nginx?.stop();
    await Promise.all([auth, service].map((s) => new Promise((resolve) => s?.close(resolve))));
  });

  const get = (path: string, headers: Record<string, string> = {}, init: RequestInit = {}) =>
    fetch(`${nginx.url}${path}`, { redirect: 'manual', ...init, headers });

  it("is Debian's nginx with the auth_request module", () => {
    expect(nginxBuildInfo()).toContain('--with-http_auth_request_module');
  });

  it('a 2xx from auth lets the request through, and auth_request_set carries its headers to the upstream', async () => {
    const response = await get('/page?x=1', { authorization: 'Bearer alice' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('service saw /page?x=1');
    expect(serviceCalls).toHaveLength(1);
    expect(serviceCalls[0]!.headers['x-auth-request-user']).toBe('alice');
    expect(serviceCalls[0]!.headers['x-auth-request-email']).toBe('alice@example.test');
    expect(authCalls).toEqual([expect.objectContaining({ method: 'GET', url: '/auth/verify', originalUri: '/page?x=1' })]);
  });

  it('the auth subrequest is a bodiless GET whatever the client sent, and a client cannot forge the identity headers', async () => {
    const response = await get('/submit', { authorization: 'Bearer alice', 'content-type': 'text/plain', 'x-auth-request-user': 'mallory' }, {
      method: 'POST',
      body: 'secret form body',
    });
    expect(response.status).toBe(200);
    // nginx makes every subrequest a GET: /auth/verify must not rely on the method (X-Original-Method can carry it).
    expect(authCalls[0]).toMatchObject({ method: 'GET', body: '', originalUri: '/submit' });
    expect(authCalls[0]!.contentLength).toBeUndefined();
    expect(serviceCalls[0]!.headers['x-auth-request-user']).toBe('alice');
  });

  it('401 and 403 from auth go back to the client, and the upstream is never called', async () => {
    expect((await get('/page')).status).toBe(401);
    expect((await get('/page', { authorization: 'Bearer no-role' })).status).toBe(403);
    expect(serviceCalls).toHaveLength(0);
    expect(authCalls).toHaveLength(2);
  });

  it('any other auth answer is a 500', async () => {
    expect((await get('/page', { authorization: 'Bearer broken' })).status).toBe(500);
    expect(serviceCalls).toHaveLength(0);
  });

  it('error_page 401 = @login turns a refusal into a login redirect that carries the original URL', async () => {
    const response = await get('/app/orders?id=7');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`http://login.example.test/auth/start?rd=http://127.0.0.1:${nginx.port}/app/orders?id=7`);
  });

  it('keeps its logs in its own directory', () => {
    expect(nginx.accessLog()).toMatch(/"GET \/page\?x=1 HTTP\/1\.1" 200/);
    expect(nginx.dir.startsWith('/')).toBe(true);
  });
});

describe('nginx harness life cycle', () => {
  it('stop() ends nginx, frees the port and removes its directory', async () => {
    const nginx = await startNginx({ template: 'server { listen ${LISTEN}; location / { return 204; } }' });
    expect((await fetch(nginx.url)).status).toBe(204);
    await nginx.stop();
    await expect(fetch(nginx.url)).rejects.toThrow();
    expect(existsSync(nginx.dir)).toBe(false);
  });

  it('a config nginx refuses fails the start with its error log', async () => {
    await expect(startNginx({ template: 'server { listen ${LISTEN}; no_such_directive on; }' })).rejects.toThrow(/unknown directive "no_such_directive"/);
  });

  it('renders ${NAME} placeholders, leaves nginx variables alone, and refuses an unknown placeholder', () => {
    expect(renderNginxTemplate('proxy_pass ${UP}; set $a ${request_uri};', { UP: 'http://u' })).toBe('proxy_pass http://u; set $a ${request_uri};');
    expect(() => renderNginxTemplate('proxy_pass ${MISSING};', {})).toThrow('no value for ${MISSING}');
  });
});
