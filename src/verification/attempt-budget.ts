/** Wrong guesses of one caller (a subject, or a client address) within the current window. */
export interface AttemptCount {
  failures: number;
  /** When the window that began with the first counted failure ends. */
  windowEndsAt?: Date;
  /** Set once failures reached the budget: verifies are refused (429) until then. */
  lockedUntil?: Date;
}

/**
 * The attempt budget of verification (abstract class: type and DI token): wrong guesses counted per
 * caller key, shared by every replica. Time is passed in, never read.
 */
export abstract class AttemptBudget {
  /** The caller's wrong guesses in the current window (a finished window counts as none). */
  abstract attempts(key: string, now: Date): Promise<AttemptCount>;
  /**
   * Counts one wrong guess. A window of `windowMs` starts with the first failure; reaching
   * `maxFailures` in it locks the key until the window ends. Safe under concurrent callers and replicas.
   */
  abstract recordFailure(key: string, now: Date, windowMs: number, maxFailures: number): Promise<AttemptCount>;
  /** Forgets the caller's failures (after a successful verify). */
  abstract resetAttempts(key: string): Promise<void>;
}
