import { PassThrough, Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import fc from 'fast-check';
import { tiniAppBodyReader, tiniAppRawBody } from './tiniapp.body-reader.js';

/** A request stream with headers, fed chunk by chunk. */
function fakeRequest(headers: Record<string, string>, chunks: string[]): IncomingMessage {
  const stream = new PassThrough() as unknown as IncomingMessage & PassThrough;
  Object.assign(stream, { headers });
  setImmediate(() => {
    for (const chunk of chunks) stream.write(Buffer.from(chunk));
    stream.end();
  });
  return stream;
}

/** A request whose body is produced only as it is pulled, counting the bytes pulled. */
function lazyRequest(headers: Record<string, string>, chunkSizes: number[]): { req: IncomingMessage; pulled: () => number; total: number } {
  let i = 0;
  let pulled = 0;
  const stream = new Readable({
    highWaterMark: 1024,
    read() {
      if (i >= chunkSizes.length) return void this.push(null);
      const size = chunkSizes[i++]!;
      pulled += size;
      this.push(Buffer.alloc(size, 0x61));
    },
  }) as unknown as IncomingMessage;
  Object.assign(stream, { headers });
  return { req: stream, pulled: () => pulled, total: chunkSizes.reduce((a, b) => a + b, 0) };
}

function fakeResponse(): ServerResponse & { headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  return { headers, setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value) } as never;
}

async function run(req: IncomingMessage, limit: number, res = fakeResponse()) {
  await new Promise<void>((resolve, reject) => tiniAppBodyReader(limit)(req, res, (error) => (error ? reject(error) : resolve())));
  return tiniAppRawBody(req);
}

const read = (headers: Record<string, string>, chunks: string[], limit = 10) => run(fakeRequest(headers, chunks), limit);

describe('tiniAppBodyReader', () => {
  it('keeps the exact bytes up to the limit', async () => {
    expect(await read({}, ['{"a":', '"é"}'])).toEqual({ kind: 'bytes', bytes: Buffer.from('{"a":"é"}') });
    expect(await read({}, ['0123456789'])).toEqual({ kind: 'bytes', bytes: Buffer.from('0123456789') });
  });

  it('an empty body is zero bytes', async () => {
    expect(await read({}, [])).toEqual({ kind: 'bytes', bytes: Buffer.alloc(0) });
  });

  it('more than the limit, streamed, is too large', async () => {
    expect(await read({}, ['01234', '56789', 'x'])).toEqual({ kind: 'too-large', limitBytes: 10 });
  });

  it('a declared Content-Length over the limit is too large whatever arrives', async () => {
    expect(await read({ 'content-length': '11' }, ['short'])).toEqual({ kind: 'too-large', limitBytes: 10 });
  });

  it('nothing is recorded for a request it did not read', () => {
    expect(tiniAppRawBody(fakeRequest({}, []))).toBeUndefined();
  });

  it('a 50 MB stream: answers at the limit, having pulled only limit + a small slack, and closes the connection', async () => {
    const { req, pulled, total } = lazyRequest({ 'transfer-encoding': 'chunked' }, Array.from({ length: 800 }, () => 65_536));
    const res = fakeResponse();
    expect(await run(req, 8192, res)).toEqual({ kind: 'too-large', limitBytes: 8192 });
    await new Promise((resolve) => setTimeout(resolve, 20)); // let anything still flowing flow
    expect(total).toBe(52_428_800);
    expect(pulled()).toBeLessThanOrEqual(8192 + 3 * 65_536);
    expect(res.headers.connection).toBe('close');
    expect(req.headers['transfer-encoding']).toBeUndefined(); // the global parser skips it
  });

  it('a declared 200 MB body: answers before reading any of it', async () => {
    const { req, pulled } = lazyRequest({ 'content-length': String(200 * 1024 * 1024) }, Array.from({ length: 3200 }, () => 65_536));
    expect(await run(req, 8192)).toEqual({ kind: 'too-large', limitBytes: 8192 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pulled()).toBeLessThanOrEqual(2 * 65_536);
  });

  it('invariant over sizes and chunkings: a body <= limit is read whole, a larger one is too large after at most limit + one chunk', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4096 }),
        fc.array(fc.integer({ min: 1, max: 2048 }), { maxLength: 12 }),
        fc.boolean(),
        async (limit, chunkSizes, declareLength) => {
          const total = chunkSizes.reduce((a, b) => a + b, 0);
          const headers: Record<string, string> = declareLength ? { 'content-length': String(total) } : { 'transfer-encoding': 'chunked' };
          const { req, pulled } = lazyRequest(headers, chunkSizes);
          const body = await run(req, limit);
          if (total <= limit) {
            expect(body).toEqual({ kind: 'bytes', bytes: Buffer.alloc(total, 0x61) });
          } else {
            expect(body).toEqual({ kind: 'too-large', limitBytes: limit });
            await new Promise((resolve) => setImmediate(resolve));
            expect(pulled()).toBeLessThanOrEqual(limit + 2 * 2048 + 1024);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
