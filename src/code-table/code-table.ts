/**
 * Who asked for a code: the signed-in caller's subject, and the issuer when several issuers can
 * sign callers in (a subject is only unique per issuer). Unbound codes have no owner.
 */
export interface CodeOwner {
  subject: string;
  issuer?: string;
}

/**
 * What a code is for. `public`: the sample's getcode/verifycode pair. `step-up`: a second factor
 * sent out of band, always bound to its owner. A code verifies only for its own purpose, so a
 * getcode code never satisfies step-up and a step-up code never opens POST /api/v1/verifycode.
 */
export type CodePurpose = 'public' | 'step-up';

/** One issuance of a code: the code string, when it was issued (the issuance id), and when it stops being valid. */
export interface CodeIssuance {
  code: string;
  issuedAt: Date;
  expiresAt: Date;
  /** Set for a code issued to a signed-in caller: it verifies only for the same owner. */
  owner?: CodeOwner;
  /** Absent: `public` (rows written before purposes existed are public). */
  purpose?: CodePurpose;
}

/**
 * What an activation did. `activated`: a live row now exists for this issuance. `already-active` /
 * `already-used`: this issuance was stored before (by getcode itself, a duplicate or a
 * redelivery), nothing changed; `already-used` covers used and revoked rows. `superseded`: the
 * table holds a newer issuance of the same code string, nothing changed.
 */
export type ActivationOutcome = 'activated' | 'already-active' | 'already-used' | 'superseded';

/** What an expiry did: deleted this issuance's row, found none, or found another issuance's row. */
export type ExpiryOutcome = 'deleted' | 'absent' | 'other-issuance';

/**
 * What a verify did to the code it was given. `consumed`: it was live and is now used (the one
 * true answer). `own-spent`: the caller's own bound code, no longer live (used, revoked, expired or
 * replaced): a replay, not a guess. `no-match`: anything else (unknown, another owner's, or an
 * unbound code no longer live): a wrong guess.
 */
export type ConsumeOutcome = 'consumed' | 'own-spent' | 'no-match';

/** What getcode's table write did: stored the issuance, or the code string already has a row (draw again). */
export type IssueOutcome = 'stored' | 'taken';

/**
 * The valid-code table. Every operation is idempotent and keyed by the issuance (code + issuedAt),
 * so duplicates and reordering of queue messages cannot revive an expired, used or revoked code,
 * nor make a live one vanish early. Time is passed in, never read, so the rules are testable.
 */
export abstract class CodeTable {
  /** Stores the issuance as valid unless this or a newer issuance of the code is already stored. */
  abstract activate(issuance: CodeIssuance, now: Date): Promise<ActivationOutcome>;
  /**
   * getcode's write, before it answers: inserts the row (insert-only, never overwrites), live until
   * its own expiresAt. `taken` when the code string already has a row of any issuance.
   */
  abstract insertIssued(issuance: CodeIssuance, now: Date): Promise<IssueOutcome>;
  /**
   * Makes an owned issuance one of its owner's outstanding codes (the commit point of a bound code:
   * a bound row that is not in its owner's list never verifies). Keeps at most `maxOutstanding`
   * live codes: the oldest beyond that are dropped and their rows revoked. Returns the dropped ones.
   */
  abstract commitOwned(issuance: CodeIssuance & { owner: CodeOwner }, maxOutstanding: number, now: Date): Promise<CodeIssuance[]>;
  /** Marks this issuance's row revoked (no-op for another issuance, or no row). */
  abstract revoke(issuance: Pick<CodeIssuance, 'code' | 'issuedAt'>, now: Date): Promise<void>;
  /** Revokes every outstanding code of the owner, of every purpose; returns how many were outstanding. */
  abstract revokeOwned(owner: CodeOwner, now: Date): Promise<number>;
  /** Deletes the row only when it belongs to this issuance. */
  abstract expire(issuance: CodeIssuance): Promise<ExpiryOutcome>;
  /**
   * Atomically marks a live code used. Exactly one of several concurrent callers gets `consumed`;
   * unknown, expired, used and revoked codes never are, and neither is a bound code for anyone but
   * its owner (`caller` undefined: anonymous), nor a code of another purpose (a wrong guess here).
   * See ConsumeOutcome for the rest.
   */
  abstract consume(code: string, now: Date, caller?: CodeOwner, purpose?: CodePurpose): Promise<ConsumeOutcome>;
  /**
   * The owner's outstanding bound codes of `purpose` (default `public`) that have not expired (the
   * ones a wrong guess of theirs at that purpose is checked against).
   */
  abstract outstanding(owner: CodeOwner, now: Date, purpose?: CodePurpose): Promise<CodeIssuance[]>;
  /** Whether `consume` would succeed now for an anonymous caller, without consuming (probes and benches). */
  abstract isLive(code: string, now: Date): Promise<boolean>;
  /**
   * Deletes the rows whose life ended before `before` (Table Storage has no TTL): codes no expiry
   * message will delete (e.g. revoked after a failed send), owners' lists of only ended codes, ended
   * attempt budgets. Returns how many went.
   */
  abstract sweepExpired(before: Date): Promise<number>;
  /** Resolves when the table is reachable and exists. */
  abstract ping(): Promise<void>;
}

/**
 * Codes the table can hold: the getcode format (`abC-161-xYz`) and anything in that alphabet. Keeps
 * Table Storage's forbidden key characters (`/ \ # ?`, quotes, control characters) out of lookups.
 */
export const TABLE_CODE_PATTERN = /^[A-Za-z0-9]{1,16}(?:-[A-Za-z0-9]{1,16}){0,3}$/;

/** Same owner: same subject, and same issuer when either records one. */
export function sameOwner(a: CodeOwner, b: CodeOwner): boolean {
  return a.subject === b.subject && (a.issuer ?? '') === (b.issuer ?? '');
}
