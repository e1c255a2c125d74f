import { jest } from '@jest/globals';
import { everyInterval } from './periodic-task.js';

describe('everyInterval', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs the task within the first interval, then every interval, never two at once; a failure is logged and the runs go on; stop ends it', async () => {
    const warn = jest.fn();
    let runs = 0;
    let release: (() => void) | undefined;
    const stop = everyInterval(
      1000,
      () => {
        runs++;
        if (runs === 2) return Promise.reject(new Error('table down'));
        if (runs === 3) return new Promise<void>((resolve) => (release = resolve));
        return Promise.resolve();
      },
      { warn },
      'Sweeping',
    );
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(1);
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(2);
    expect(warn).toHaveBeenCalledWith('Sweeping failed: table down');
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(3);
    await jest.advanceTimersByTimeAsync(3000); // the third is still running: no overlap
    expect(runs).toBe(3);
    release!();
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(4);
    stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(4);
  });
});
