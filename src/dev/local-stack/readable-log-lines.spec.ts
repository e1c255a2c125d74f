import { Writable } from 'node:stream';
import { pino } from 'pino';
import { readableLogLines } from './readable-log-lines.js';

/** A line exactly as the API's pino writes it (nestjs-pino adds `context`). */
function pinoLine(write: (logger: pino.Logger) => void): string {
  let out = '';
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => ((out += chunk.toString()), done()) });
  write(pino({ base: { pid: 1, hostname: 'h' } }, sink));
  return out.trimEnd();
}

describe('readableLogLines (how npm start shows its parts)', () => {
  const pretty = readableLogLines('pretty', false);

  it('renders a pino JSON line as one readable line: time, level, context, message', () => {
    const line = pinoLine((log) => log.info({ context: 'Main' }, 'API listening on http://localhost:3000'));
    expect(pretty(line)).toEqual([expect.stringMatching(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: Main: API listening on http:\/\/localhost:3000$/)]);
  });

  it("puts a request's method, path, status and duration in front of pino-http's message", () => {
    const line = pinoLine((log) => log.info({ req: { id: 'r1', method: 'GET', url: '/api/v1/getcode' }, res: { statusCode: 200 }, responseTime: 4 }, 'request completed'));
    expect(pretty(line)).toEqual([expect.stringMatching(/INFO: GET \/api\/v1\/getcode 200 \(4 ms\) request completed$/)]);
  });

  it("renders the stand-ins' own {level, msg} lines, and keeps an error's stack as separate lines", () => {
    expect(pretty('{"level":"info","msg":"Number API listening on http://127.0.0.1:7071/api/RandomNumber"}')).toEqual([
      'INFO: Number API listening on http://127.0.0.1:7071/api/RandomNumber',
    ]);
    const error = pinoLine((log) => log.error({ err: new Error('boom') }, 'failed'));
    const shown = pretty(error);
    expect(shown[0]).toMatch(/ERROR: failed/);
    expect(shown.length).toBeGreaterThan(2);
  });

  it('passes lines that are not a JSON log entry unchanged (Azurite, stack traces, other JSON)', () => {
    for (const line of ['Azurite Queue service successfully listens on http://127.0.0.1:10001', '    at main (file.js:1:1)', '{"a":1}', '{not json', '']) {
      expect(pretty(line)).toEqual([line]);
    }
  });

  it('LOG_FORMAT=json shows every line as the part printed it', () => {
    const line = pinoLine((log) => log.info('x'));
    expect(readableLogLines('json')(line)).toEqual([line]);
  });
});
