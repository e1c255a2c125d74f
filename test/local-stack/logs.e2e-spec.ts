import { LOCAL_STACK_PORTS, localStackParts } from '../../src/dev/local-stack/local-stack.parts.js';
import { readableLogLines } from '../../src/dev/local-stack/readable-log-lines.js';
import { Supervisor } from '../../src/dev/local-stack/supervisor.js';
import { spawnEntry } from '../support/processes.js';

describe('npm start (the local stack) shows readable logs', () => {
  it("shows a part's JSON log lines readably, prefixed by the part's name (the real number API stand-in)", async () => {
    const numberApi = localStackParts({}, { ports: { ...LOCAL_STACK_PORTS, numberApi: 0 } }).find((p) => p.name === 'number-api')!;
    const shown: string[] = [];
    const supervisor = new Supervisor(
      { PATH: process.env.PATH, SECRETS_PROVIDER: 'local', SECRET_THIRD_PARTY_API_KEY: 'k', LOG_FORMAT: 'json' },
      (line) => shown.push(line),
      readableLogLines('pretty', false),
    );
    try {
      await supervisor.start([{ ...numberApi, ports: [] }]);
    } finally {
      await supervisor.stop();
    }
    expect(shown).toContainEqual(expect.stringMatching(/^\[number-api\] INFO: Number API listening on http:\/\/127\.0\.0\.1:\d+\/api\/RandomNumber$/));
    expect(shown.some((line) => line.includes('{"level"'))).toBe(false);
  });

  it('refuses a LOG_FORMAT that is neither json nor pretty before starting anything, naming the variable', async () => {
    const stack = spawnEntry('dev/local-stack/main.js', { LOG_FORMAT: 'xml' });
    expect((await stack.exited()).code).toBe(1);
    expect(stack.output()).toContain('LOG_FORMAT: must be json or pretty');
    expect(stack.output()).not.toContain('[azurite');
  });
});
