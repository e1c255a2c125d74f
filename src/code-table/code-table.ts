/** One issuance of a code: the code string, when getcode issued it, and when it stops being valid. */
export interface CodeIssuance {
  code: string;
  issuedAt: Date;
  expiresAt: Date;
}

/**
 * What an activation did. `activated`: a live row now exists for this issuance. `already-active` /
 * `already-used`: this issuance was stored before (a duplicate or a redelivery), nothing changed.
 * `superseded`: the table holds a newer issuance of the same code string, nothing changed.
 */
export type ActivationOutcome = 'activated' | 'already-active' | 'already-used' | 'superseded';

/** What an expiry did: deleted this issuance's row, found none, or found another issuance's row. */
export type ExpiryOutcome = 'deleted' | 'absent' | 'other-issuance';

/**
 * The valid-code table. Every operation is idempotent and keyed by the issuance (code + issuedAt),
 * so duplicates and reordering of queue messages cannot revive an expired or used code, nor make a
 * live one vanish early. Time is passed in, never read, so the rules are testable.
 */
export abstract class CodeTable {
  /** Stores the issuance as valid unless this or a newer issuance of the code is already stored. */
  abstract activate(issuance: CodeIssuance, now: Date): Promise<ActivationOutcome>;
  /** Deletes the row only when it belongs to this issuance. */
  abstract expire(issuance: CodeIssuance): Promise<ExpiryOutcome>;
  /**
   * Atomically marks a live code used. Exactly one of several concurrent callers gets `true`;
   * unknown, expired and used codes are all `false`.
   */
  abstract consume(code: string, now: Date): Promise<boolean>;
  /** Whether `consume` would succeed now, without consuming (read path for probes and benches). */
  abstract isLive(code: string, now: Date): Promise<boolean>;
  /** Resolves when the table is reachable and exists. */
  abstract ping(): Promise<void>;
}

/**
 * Codes the table can hold: the getcode format (`abC-161-xYz`) and anything in that alphabet. Keeps
 * Table Storage's forbidden key characters (`/ \ # ?`, quotes, control characters) out of lookups.
 */
export const TABLE_CODE_PATTERN = /^[A-Za-z0-9]{1,16}(?:-[A-Za-z0-9]{1,16}){0,3}$/;
