/** What reserve() answered: the attempt is taken (the `taken`-th of the window), or the budget is spent until the window ends. */
export type Reservation = { granted: true; taken: number; windowEndsAt: Date } | { granted: false; windowEndsAt: Date };

/**
 * Attempt budgets (abstract class: type and DI token): how many attempts a key (a signed-in
 * subject, or one bound code) may make per window, shared by every replica.
 *
 * Count first: an attempt is reserved atomically BEFORE the guess is evaluated, and refused once
 * the budget is spent, so concurrent guesses on any number of replicas can never evaluate more
 * than the budget. A reservation is given back only for an attempt that turned out not to be a
 * guess (a correct code, a replay of one's own code, an evaluation that failed); a success never
 * resets the guesses counted before it. Time is passed in, never read (the Redis store counts its
 * window on the server's clock).
 */
export abstract class AttemptBudget {
  /**
   * Takes one attempt of `key`: a window of `windowMs` starts with the first attempt; within it at
   * most `limit` are granted, whatever the concurrency; then refused until the window ends.
   */
  abstract reserve(key: string, limit: number, windowMs: number, now: Date): Promise<Reservation>;
  /** Gives back one attempt reserve() granted in the current window (never below zero). */
  abstract release(key: string, now: Date): Promise<void>;
}
