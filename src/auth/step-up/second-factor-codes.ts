import type { CodeOwner } from '../../code-table/code-table.js';

/** A step-up code issued for its owner: the code itself goes only to the delivery, never to a page. */
export interface IssuedStepUpCode {
  readonly code: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

/** What checking a typed step-up code did. */
export type StepUpCheck =
  | { readonly outcome: 'verified' }
  | { readonly outcome: 'wrong' }
  /** The owner's code had its last allowed check and is revoked: send a new one. */
  | { readonly outcome: 'code-locked'; readonly checks: number }
  /** The owner's attempt budget is spent until then. */
  | { readonly outcome: 'locked'; readonly retryAfterSeconds: number };

/**
 * Step-up codes on the code lifecycle (abstract class: type and DI token). The step-up room needs
 * issuing and checking, which live above it (codes/, verification/): the implementation is given to
 * StepUpModule by the process root, so auth/ imports neither.
 */
export abstract class SecondFactorCodes {
  /** A new step-up code bound to `owner`, replacing its last one: table row, queue message, owner list. */
  abstract issue(owner: CodeOwner): Promise<IssuedStepUpCode>;
  /** Revokes a code that could not be delivered. */
  abstract revoke(issued: IssuedStepUpCode): Promise<void>;
  /** Checks (and on success consumes) what `owner` typed, with the per-code and per-subject limits. */
  abstract check(owner: CodeOwner, typed: string): Promise<StepUpCheck>;
}
