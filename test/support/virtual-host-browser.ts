import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface VirtualHostResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  url: string;
}

interface StoredCookie {
  value: string;
  /** Domain attribute (sent to that domain and its subdomains), or undefined: host-only. */
  domain?: string;
  host: string;
}

/**
 * A browser without a browser for name-based virtual hosts on one loopback port (`fetch` cannot
 * set Host): requests to a host under `suffix` go to 127.0.0.1:`port` with that Host header, others
 * to their own address. Cookies follow RFC 6265's domain rules (ports do not matter, as in
 * browsers); redirects are followed by hand.
 */
export class VirtualHostBrowser {
  private readonly cookies = new Map<string, StoredCookie>();
  readonly visited: string[] = [];

  constructor(
    private readonly suffix: string,
    private readonly port: number,
  ) {}

  cookieNames(host: string): string[] {
    return [...this.cookies].filter(([, c]) => this.sends(c, host)).map(([name]) => name);
  }

  /** The value of cookie `name` as sent to `host`. */
  cookieValue(host: string, name: string): string | undefined {
    const c = this.cookies.get(name);
    return c && this.sends(c, host) ? c.value : undefined;
  }

  request(url: string, init: { method?: string; headers?: Record<string, string>; form?: Record<string, string>; body?: string } = {}): Promise<VirtualHostResponse> {
    const u = new URL(url);
    const virtual = u.hostname.endsWith(this.suffix);
    const headers: Record<string, string> = { host: u.host, ...init.headers };
    const cookie = [...this.cookies].filter(([, c]) => this.sends(c, u.hostname)).map(([name, c]) => `${name}=${c.value}`).join('; ');
    if (cookie) headers.cookie = init.headers?.cookie ? `${init.headers.cookie}; ${cookie}` : cookie;
    let body = init.body;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const method = init.method ?? (body !== undefined ? 'POST' : 'GET');
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: virtual ? '127.0.0.1' : u.hostname, port: virtual ? this.port : Number(u.port || 80), path: `${u.pathname}${u.search}`, method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          this.visited.push(`${res.statusCode} ${method} ${url}`);
          for (const line of res.headers['set-cookie'] ?? []) this.store(line, u.hostname);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), url });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Follows redirects from `url` (at most 20) until an answer that is not one, or until `stopAt` matches the next URL. */
  async follow(url: string, stopAt?: (next: URL) => boolean, init?: Parameters<VirtualHostBrowser['request']>[1]): Promise<VirtualHostResponse> {
    let res = await this.request(url, init);
    for (let hops = 0; hops < 20 && res.status >= 300 && res.status < 400; hops++) {
      const next = new URL(String(res.headers.location), res.url);
      if (stopAt?.(next)) return { ...res, url: next.href };
      res = await this.request(next.href);
    }
    return res;
  }

  private sends(c: StoredCookie, host: string): boolean {
    return c.domain ? host === c.domain || host.endsWith(`.${c.domain}`) : host === c.host;
  }

  private store(line: string, host: string): void {
    const [pair, ...attrs] = line.split(';');
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1).trim();
    const attr = (n: string) => attrs.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith(n));
    const domain = attr('domain=')?.slice('domain='.length).replace(/^\./, '').toLowerCase();
    // As browsers: a Domain must domain-match the host that sets it.
    if (domain && host !== domain && !host.endsWith(`.${domain}`)) return;
    const expired = attrs.some((a) => /^\s*max-age=0/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
    if (expired || value === '') this.cookies.delete(name);
    else this.cookies.set(name, { value, host, ...(domain ? { domain } : {}) });
  }
}
