import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual, createHash } from 'node:crypto';
import type Provider from 'oidc-provider';
import { html } from '../../common/views/html.js';
import { page } from '../../common/views/page.js';
import { DEMO_USER, type DevIdpUser } from './dev-idp.provider.js';

/**
 * The dev IdP's own login interaction: oidc-provider sends the browser to `/interaction/<uid>`
 * (see `interactions.url` in the provider configuration); GET shows the sign-in form, POST checks
 * the username and password and finishes the login. Returns false for any other request, which
 * then goes to the provider.
 */
export async function handleDevIdpInteraction(provider: Provider, users: DevIdpUser[], req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://idp');
  const match = /^\/interaction\/([\w-]+)$/.exec(url.pathname);
  if (!match) return false;
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    send(res, 200, loginPage(match[1]!, details.params.client_id as string, undefined));
    return true;
  }
  if (req.method === 'POST') {
    const form = new URLSearchParams(await readBody(req));
    const user = users.find((u) => u.username === form.get('username'));
    if (!user || !sameSecret(user.password, form.get('password') ?? '')) {
      send(res, 200, loginPage(match[1]!, details.params.client_id as string, 'Wrong username or password.'));
      return true;
    }
    await provider.interactionFinished(req, res, { login: { accountId: user.sub, amr: ['pwd'] } }, { mergeWithLastSubmission: false });
    return true;
  }
  return false;
}

function sameSecret(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

function loginPage(uid: string, clientId: string, problem: string | undefined): string {
  return page(
    'Dev IdP sign-in',
    html`<h1>Dev IdP: sign in</h1>
<p>Signing in to <strong>${clientId}</strong>. Demo account: <code>${DEMO_USER.username}</code> / <code>${DEMO_USER.password}</code>.</p>
${problem ? html`<p role="alert" id="problem">${problem}</p>` : ''}
<form method="post" action="/interaction/${uid}">
<label>Username <input name="username" id="username" autocomplete="username" required autofocus></label>
<label>Password <input name="password" id="password" type="password" autocomplete="current-password" required></label>
<button type="submit" id="sign-in">Sign in</button>
</form>`,
  );
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
