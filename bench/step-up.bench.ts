import type { ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import type { BenchResult, BenchSection } from './bench-section.js';
import { LAYOUTS, applyLayout, canPin, layoutNote, serverCpu, startNode, stopNode, type Layout } from './support/processes.js';
import { ONLY_LAYOUT, QUICK } from './support/settings.js';
import { percentile } from './support/http.js';
import { ENTRY } from './support/entries.js';
import { fixed, markdownTable, ratio } from './support/table.js';
import { startAzurite } from '../test/support/azurite.js';
import { freePort } from '../test/support/ports.js';
import { startSmtpServer } from '../test/support/smtp.js';
import { testCaFile } from '../test/support/tls-ca-file.js';
import { startHttpsFront, type HttpsFront } from '../test/auth/support/https-front.js';
import { CLIENT_ID, CLIENT_SECRET, HttpBrowser, SESSION_SECRET, login, startTestIdp } from '../test/auth/support/oidc-harness.js';
import { DEMO_USER } from '../src/dev/dev-idp/dev-idp.provider.js';

const ROUNDS = QUICK ? 40 : 200;
const WARMUP = QUICK ? 5 : 20;
const KEY = 'bench-function-key';

interface LayoutRun {
  layout: Layout;
  sendMs: number[];
  verifyMs: number[];
  totalMs: number[];
  plainMs: number[];
  failures: number;
}

/**
 * Step-up, send → verify, on a real SMTP server (nodemailer's smtp-server, in the bench process,
 * keeping each message the moment it answers 250): the signed-in user posts the send form (send
 * limits reserved in the code table, number API, code row, queue message, owner list, the mail
 * over SMTP), the code is read from the received mail, and the code form is posted (the check,
 * the row consumed, the session stepped up under a new id). Sequential, one user, the API as
 * production runs it (bundle, start:prod flags, NODE_ENV=production, Table sessions on Azurite,
 * the number API stand-in), against an anonymous GET / measured in the same run. Production wants
 * an https PUBLIC_BASE_URL and issuer: the user signs in through HTTPS fronts of the app and the
 * dev IdP (as behind a TLS-terminating ingress), and the measured posts go to the app's own port.
 */
export const stepUpBench: BenchSection = {
  name: 'Step-up',
  async run(): Promise<BenchResult> {
    const layouts = LAYOUTS.filter((l) => (!ONLY_LAYOUT || l === ONLY_LAYOUT) && (l === 'unpinned' || canPin()));
    const results: LayoutRun[] = [];
    for (const layout of layouts) results.push(await runLayout(layout));
    const lines: string[] = [];
    const targets: BenchResult['targets'] = [];
    for (const r of results) {
      const row = (name: string, values: number[]) => [name, fixed(percentile(values, 50), 1), fixed(percentile(values, 99), 1), ratio(percentile(values, 99), percentile(values, 50))];
      lines.push(
        `### Step-up, ${r.layout}`,
        '',
        layoutNote(r.layout),
        '',
        `${ROUNDS} sequential step-ups of one signed-in user (after ${WARMUP} warm-up), codes mailed to an SMTP server on loopback:`,
        '',
        ...markdownTable(
          ['figure', 'median ms', 'p99 ms', 'p99 / median'],
          [
            row('send (POST /auth/second-factor/send: limits, issue, SMTP)', r.sendMs),
            row('verify (POST /auth/second-factor/verify: check, session stepped up)', r.verifyMs),
            row('send → verify (both, and reading the mail)', r.totalMs),
            row('anonymous GET / (reference)', r.plainMs),
          ],
        ),
        '',
      );
      const L = `[${r.layout}]`;
      const total = { p50: percentile(r.totalMs, 50), p99: percentile(r.totalMs, 99) };
      targets.push({ name: `${L} step-up send (local SMTP server) → verify p99 ≤ 250 ms`, ok: total.p99 <= 250, detail: `${fixed(total.p99, 1)} ms (median ${fixed(total.p50, 1)} ms)` });
      targets.push({ name: `${L} step-up send → verify p99 ≤ 4× median`, ok: total.p99 <= 4 * total.p50, detail: `${fixed(total.p99, 1)} / ${fixed(total.p50, 1)} ms = ${ratio(total.p99, total.p50)}` });
      targets.push({ name: `${L} every send and verify succeeded`, ok: r.failures === 0, detail: `${r.failures} failed of ${ROUNDS}` });
    }
    return { lines, targets };
  },
};

async function runLayout(layout: Layout): Promise<LayoutRun> {
  applyLayout(layout);
  const cpu = serverCpu(layout);
  const azurite = await startAzurite();
  const smtp = await startSmtpServer();
  const [port, frontPort, idpFrontPort, numbersPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const appUrl = `http://127.0.0.1:${port}`;
  const publicUrl = `https://127.0.0.1:${frontPort}`;
  const issuer = `https://127.0.0.1:${idpFrontPort}`;
  const idp = await startTestIdp([publicUrl], { issuer });
  const fronts: HttpsFront[] = [await startHttpsFront(idpFrontPort, (idp.server.address() as AddressInfo).port)];
  const procs: ChildProcess[] = [];
  try {
    procs.push((await startNode(ENTRY.numberApi, [], { NUMBER_API_PORT: String(numbersPort), SECRETS_PROVIDER: 'local', SECRET_THIRD_PARTY_API_KEY: KEY }, /Number API listening/)).child);
    const env = {
      HOST: '127.0.0.1',
      PORT: String(port),
      NODE_ENV: 'production',
      PUBLIC_BASE_URL: publicUrl,
      NODE_EXTRA_CA_CERTS: await testCaFile(),
      THROTTLE_LIMIT: '10000000',
      VERIFY_THROTTLE_LIMIT: '1000000',
      THIRD_PARTY_API_ENDPOINT: `http://127.0.0.1:${numbersPort}/api/RandomNumber`,
      SECRET_THIRD_PARTY_API_KEY: KEY,
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      QUEUE_CREATE_IF_MISSING: 'true',
      CODE_TABLE_CREATE_IF_MISSING: 'true',
      // The dev IdP as a generic issuer: AUTH_PROVIDER=dev is refused in production.
      AUTH_PROVIDER: 'oidc',
      OIDC_ISSUER_URL: issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      SECRET_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      SECRET_SESSION_SECRET: SESSION_SECRET,
      CODE_DELIVERY: 'smtp',
      SMTP_HOST: smtp.host,
      SMTP_PORT: String(smtp.port),
      MAIL_FROM: 'no-reply@example.test',
      // One user steps up again and again: the send limits would (rightly) stop it.
      STEP_UP_RESEND_COOLDOWN_SECONDS: '0',
      STEP_UP_SENDS_PER_WINDOW: '1000',
      VERIFY_MAX_ATTEMPTS: '1000',
    };
    procs.push((await startNode(ENTRY.api, [], env, /API listening/, cpu)).child);

    fronts.push(await startHttpsFront(frontPort, port));

    const browser = new HttpBrowser();
    await login(browser, publicUrl, '/account');
    // Each post straight to the app's port with the session cookie (rotated by every step-up), from the public origin's page.
    const jar = browser.cookies(publicUrl);
    const post = async (path: string, form: Record<string, string>) => {
      const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
      const res = await fetch(`${appUrl}${path}`, { method: 'POST', body: new URLSearchParams(form), headers: { origin: publicUrl, cookie }, redirect: 'manual' });
      for (const set of res.headers.getSetCookie()) {
        const [pair] = set.split(';');
        const eq = pair!.indexOf('=');
        jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      }
      return res;
    };
    const result: LayoutRun = { layout, sendMs: [], verifyMs: [], totalMs: [], plainMs: [], failures: 0 };
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      const t0 = performance.now();
      await fetch(`${appUrl}/`).then((r) => r.text());
      const plain = performance.now() - t0;

      const before = smtp.messages.length;
      const t1 = performance.now();
      const sent = await post('/auth/second-factor/send', { returnTo: '/account' });
      await sent.text();
      const t2 = performance.now();
      const mail = sent.status === 200 ? await smtp.waitForMessage((m) => smtp.messages.indexOf(m) >= before && m.to.includes(DEMO_USER.email), 5000) : undefined;
      const code = mail && /(\d{4}) (\d{4})/.exec(mail.text);
      const t3 = performance.now();
      const verified = code ? await post('/auth/second-factor/verify', { code: `${code[1]}${code[2]}`, returnTo: '/account' }) : undefined;
      await verified?.text();
      const t4 = performance.now();
      if (i < WARMUP) continue;
      if (sent.status !== 200 || verified?.status !== 303) {
        result.failures++;
        continue;
      }
      result.plainMs.push(plain);
      result.sendMs.push(t2 - t1);
      result.verifyMs.push(t4 - t3);
      result.totalMs.push(t4 - t1);
    }
    return result;
  } finally {
    for (const front of fronts) await front.close();
    for (const p of procs.reverse()) await stopNode(p);
    await idp.close();
    await smtp.stop();
    await azurite.stop();
    applyLayout('unpinned');
  }
}
