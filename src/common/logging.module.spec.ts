import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestIdFor } from './logging.module.js';

function call(header?: string) {
  const set: Record<string, string> = {};
  const req = { headers: header === undefined ? {} : { 'x-request-id': header } } as unknown as IncomingMessage;
  const res = { setHeader: (k: string, v: string) => (set[k] = v) } as unknown as ServerResponse;
  return { id: requestIdFor(req, res), echoed: set['x-request-id'] };
}

describe('requestIdFor', () => {
  it('keeps a sane incoming x-request-id and echoes it', () => {
    expect(call('req-42.a:b')).toEqual({ id: 'req-42.a:b', echoed: 'req-42.a:b' });
  });

  it.each([undefined, '', 'has space', 'x'.repeat(200), '<script>'])('replaces %p with a UUID', (header) => {
    const { id, echoed } = call(header);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(echoed).toBe(id);
  });
});
