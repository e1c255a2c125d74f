import { AttemptBudget, type Reservation } from './attempt-budget.js';

interface Window {
  count: number;
  endsAt: number;
}

/** Keys held before the ended windows are swept out. */
const SWEEP_AT = 10_000;

/**
 * Attempt budgets in this process only: the Redis store's fallback while Redis cannot answer (each
 * replica then enforces the budget on its own, so N replicas allow at most N times it), and the
 * reference the shared stores are specified against. One event loop: every call is atomic.
 */
export class MemoryAttemptBudget extends AttemptBudget {
  private readonly windows = new Map<string, Window>();

  async reserve(key: string, limit: number, windowMs: number, now: Date): Promise<Reservation> {
    const t = now.getTime();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= t) {
      if (this.windows.size >= SWEEP_AT) this.sweep(t);
      window = { count: 0, endsAt: t + windowMs };
      this.windows.set(key, window);
    }
    if (window.count >= limit) return { granted: false, windowEndsAt: new Date(window.endsAt) };
    window.count++;
    return { granted: true, taken: window.count, windowEndsAt: new Date(window.endsAt) };
  }

  async release(key: string, now: Date): Promise<void> {
    const window = this.windows.get(key);
    if (window && window.endsAt > now.getTime() && window.count > 0) window.count--;
  }

  /** Keys currently held (diagnostics and tests). */
  get size(): number {
    return this.windows.size;
  }

  sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}
