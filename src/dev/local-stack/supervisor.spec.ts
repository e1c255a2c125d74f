import { createServer } from 'node:net';
import { once } from 'node:events';
import { findBusyPort } from './supervisor.js';
import { localStackParts } from './local-stack.parts.js';

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
});
