import { PassThrough } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
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

async function read(headers: Record<string, string>, chunks: string[], limit = 10) {
  const req = fakeRequest(headers, chunks);
  await new Promise<void>((resolve, reject) => tiniAppBodyReader(limit)(req, {} as ServerResponse, (error) => (error ? reject(error) : resolve())));
  return tiniAppRawBody(req);
}

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
});
