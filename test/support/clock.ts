import { Clock } from '../../src/common/clock.js';

/** A clock that reads the time from `read` (a test's own variable, say): `clockOf(() => now)`. */
export function clockOf(read: () => number, sleep?: (ms: number) => Promise<void>): Clock {
  return new (class extends Clock {
    now(): number {
      return read();
    }
    override sleep(ms: number): Promise<void> {
      return sleep ? sleep(ms) : super.sleep(ms);
    }
  })();
}

/** A clock that stands still until the test moves it; `sleep` moves it instead of waiting. */
export class ManualClock extends Clock {
  constructor(private current: number) {
    super();
  }
  now(): number {
    return this.current;
  }
  set(ms: number): void {
    this.current = ms;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  override async sleep(ms: number): Promise<void> {
    this.current += ms;
  }
}
