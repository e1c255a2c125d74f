/**
 * Randomized exponential back-off, as the Azure Functions queue trigger polls: after the n-th empty
 * or failed poll in a row, wait a random time between min and min × 2^n (capped at max). The
 * randomness keeps several watchers from polling in lock-step.
 */
export class BackOff {
  private streak = 0;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The wait before the next poll after one more empty or failed poll. */
  next(): number {
    this.streak++;
    const ceiling = Math.min(this.maxMs, this.minMs * 2 ** Math.min(this.streak, 30));
    return Math.round(this.minMs + (ceiling - this.minMs) * this.random());
  }

  /** Messages were found: poll again at once, and start from the minimum next time. */
  reset(): void {
    this.streak = 0;
  }
}
