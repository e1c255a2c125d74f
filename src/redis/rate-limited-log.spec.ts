import { clockOf } from '../../test/support/clock.js';
import { RateLimitedLog } from './rate-limited-log.js';

describe('RateLimitedLog', () => {
  it('one line per window whatever the number of events, counting the ones it swallowed', () => {
    let now = 0;
    const lines: string[] = [];
    const log = new RateLimitedLog((m) => lines.push(m), clockOf(() => now), 30_000);
    for (let i = 0; i < 1000; i++) log.note('down');
    expect(lines).toEqual(['down']);
    now = 30_000;
    log.note('down');
    expect(lines).toEqual(['down', 'down (999 more since the last line)']);
    log.reset();
    log.note('down again');
    expect(lines.at(-1)).toBe('down again');
  });
});
