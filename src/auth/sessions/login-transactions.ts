import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { CookieSealers } from './cookie-sealer.js';

/** One login attempt in flight, sealed into its own cookie until the IdP sends the browser back. */
export interface LoginTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  exp: number;
}

/** How long a login attempt may take, from /auth/login to the callback. */
export const LOGIN_TRANSACTION_TTL_MS = 10 * 60 * 1000;

/** Login attempts as sealed cookie values (no server state): made at /auth/login, opened at the callback. */
@Injectable()
export class LoginTransactions {
  constructor(
    private readonly sealers: CookieSealers,
    private readonly clock: Clock,
  ) {}

  async seal(attempt: Omit<LoginTransaction, 'exp'>): Promise<string> {
    return (await this.sealers.transaction()).seal({ ...attempt, exp: this.clock.now() + LOGIN_TRANSACTION_TTL_MS } satisfies LoginTransaction);
  }

  /** The attempt a cookie value seals, unless it is forged, foreign or expired. */
  async open(value: string | undefined): Promise<LoginTransaction | undefined> {
    const tx = await this.sealers.openTransaction<LoginTransaction>(value);
    return tx && tx.exp > this.clock.now() ? tx : undefined;
  }
}

/**
 * Where a new login attempt goes among a browser's pending ones (opened from its slots; undefined =
 * empty, expired or not ours): a free slot, picked at random so that two tabs starting at once
 * rarely pick the same, else the slot of the oldest attempt.
 */
export function chooseSlot(pending: ReadonlyArray<LoginTransaction | undefined>, pick: (max: number) => number = randomInt): number {
  const free = pending.flatMap((tx, slot) => (tx ? [] : [slot]));
  if (free.length) return free[pick(free.length)]!;
  return pending.reduce((oldest, tx, slot) => (tx!.exp < pending[oldest]!.exp ? slot : oldest), 0);
}
