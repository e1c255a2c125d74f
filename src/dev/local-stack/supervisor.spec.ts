import { createServer } from 'node:net';
import { once } from 'node:events';
import { findBusyPort } from './supervisor.js';
import { LOCAL_STACK_ENV, LOCAL_STACK_PORTS, localStackEnv, localStackParts } from './local-stack.parts.js';

describe('local stack', () => {
  it('names the part whose port is already taken', async () => {
    const blocker = createServer().listen(0, '0.0.0.0');
    await once(blocker, 'listening');
    const port = (blocker.address() as { port: number }).port;
    try {
      const busy = await findBusyPort([
        { name: 'a', script: 'a.js', ports: [], readyWhen: /x/ },
        { name: 'b', script: 'b.js', ports: [{ port, what: 'the API (PORT)' }], readyWhen: /x/ },
      ]);
      expect(busy).toEqual({ port, what: 'the API (PORT)' });
    } finally {
      blocker.close();
    }
  });

  it('runs Azurite on 10001/10002, the number API on 7071 and the API on PORT', () => {
    const ports = localStackParts({ PORT: '3100' }).flatMap((p) => p.ports.map((x) => x.port));
    expect(ports).toEqual(expect.arrayContaining([10001, 10002, 7071, 3100]));
  });

  it('runs MailDev as the dev mailbox (SMTP 1025, web 1080), sends step-up codes there, and prints its URL', () => {
    const parts = localStackParts({});
    const maildev = parts.find((p) => p.name === 'maildev')!;
    expect(maildev.ports.map((p) => p.port)).toEqual([1025, 1080]);
    expect(maildev.args).toEqual(['--smtp', '1025', '--web', '1080', '--ip', '127.0.0.1', '--web-ip', '127.0.0.1']);
    expect(parts.flatMap((p) => p.urls ?? [])).toContainEqual({ label: 'Mailbox (MailDev: step-up codes)', url: 'http://localhost:1080/' });
    expect(LOCAL_STACK_ENV).toMatchObject({ CODE_DELIVERY: 'smtp', SMTP_HOST: '127.0.0.1', SMTP_PORT: '1025' });
    // Before the API, so its first send finds the mailbox.
    expect(parts.findIndex((p) => p.name === 'maildev')).toBeLessThan(parts.findIndex((p) => p.name === 'api'));
  });

  it('moves every part and every URL between them to other ports when asked (tests run the stack on free ports)', () => {
    const ports = Object.fromEntries(Object.entries(LOCAL_STACK_PORTS).map(([k, v]) => [k, v + 20_000])) as typeof LOCAL_STACK_PORTS;
    const env = localStackEnv(ports);
    const used = localStackParts(env, { ports }).flatMap((p) => p.ports.map((x) => x.port));
    expect(used.sort()).toEqual(Object.values(ports).sort());
    expect(JSON.stringify(env)).not.toMatch(/:(3000|4000|7071|7072|10001|10002|1025)\b/);
  });
});
