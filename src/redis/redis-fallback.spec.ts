import { jest } from '@jest/globals';
import { clockOf } from '../../test/support/clock.js';
import { RedisFallback } from './redis-fallback.js';

describe('RedisFallback', () => {
  it('says once that an outage began (then at most every interval, with a count), and once that the state is shared again', () => {
    let now = 0;
    const logger = { warn: jest.fn(), log: jest.fn() };
    const state = new RedisFallback(logger, clockOf(() => now), 'rate limits', 'failing open', 1000);
    state.answered();
    expect(logger.log).not.toHaveBeenCalled();
    state.unavailable('timeout');
    state.unavailable('timeout');
    expect(state.isDegraded).toBe(true);
    expect(logger.warn.mock.calls).toEqual([['Redis unreachable for rate limits (timeout): failing open']]);
    now = 1500;
    state.unavailable('timeout');
    expect(logger.warn.mock.calls[1]).toEqual(['Redis unreachable for rate limits (timeout): failing open (1 more since the last line)']);
    state.answered();
    state.answered();
    expect(state.isDegraded).toBe(false);
    expect(logger.log.mock.calls).toEqual([['Redis reachable again: rate limits are shared by all replicas again']]);
  });
});
