import { createHash } from 'node:crypto';
import type { CodeIssuance, CodeOwner, CodePurpose } from './code-table.js';

/** One row per code string: PartitionKey = the code, RowKey = ROW_KEY. */
export const ROW_KEY = 'code';
/** Per owner: PartitionKey = `owner~<sha256 of issuer and subject>`, RowKey = OWNER_ROW_KEY (public codes) or ownerRowKey(purpose). */
export const OWNER_ROW_KEY = 'outstanding';

/** An owner's outstanding list of one purpose: a new step-up code replaces the last step-up code, never a getcode code. */
export function ownerRowKey(purpose: CodePurpose = 'public'): string {
  return purpose === 'public' ? OWNER_ROW_KEY : `${OWNER_ROW_KEY}~${purpose}`;
}

export const CODE_PURPOSES: readonly CodePurpose[] = ['public', 'step-up'];

/** The purpose a row records (absent: public). */
export function purposeOfRow(row: Pick<CodeRow, 'purpose'>): CodePurpose {
  return row.purpose === 'step-up' ? 'step-up' : 'public';
}

export type CodeState = 'valid' | 'used' | 'revoked';

/** The row's columns. Times are ISO-8601 UTC strings with milliseconds, so they compare exactly. */
export interface CodeRow {
  /** Identifies the issuance (getcode's timestamp); expiry and re-activation match on it. */
  issuedAt: string;
  expiresAt: string;
  state: CodeState;
  activatedAt: string;
  usedAt?: string;
  revokedAt?: string;
  /** A bound code's owner (never a name or e-mail: the IdP's opaque subject). */
  subject?: string;
  issuer?: string;
  /** `step-up` for a second-factor code; absent for a public one. */
  purpose?: 'step-up';
}

/** An owner's outstanding bound codes, oldest first (JSON in one column: one ETag guards the list). */
export interface OwnerRow {
  outstanding: string;
}
export interface Outstanding {
  code: string;
  issuedAt: string;
  expiresAt: string;
}

/** The row of a live issuance, written at `now` (by getcode, or by the watcher's activation): its owner's columns when bound. */
export function issuedRow(issuance: CodeIssuance, now: Date): CodeRow {
  return {
    issuedAt: issuance.issuedAt.toISOString(),
    expiresAt: issuance.expiresAt.toISOString(),
    state: 'valid',
    activatedAt: now.toISOString(),
    ...(issuance.owner ? { subject: issuance.owner.subject, ...(issuance.owner.issuer ? { issuer: issuance.owner.issuer } : {}) } : {}),
    ...(issuance.purpose === 'step-up' ? { purpose: 'step-up' as const } : {}),
  };
}

/** An issuance as its owner's list keeps it. */
export function outstandingOf(issuance: Pick<CodeIssuance, 'code' | 'issuedAt' | 'expiresAt'>): Outstanding {
  return { code: issuance.code, issuedAt: issuance.issuedAt.toISOString(), expiresAt: issuance.expiresAt.toISOString() };
}

/**
 * Attempt budgets (verification's TableAttemptBudget) live in this table too, one row per key:
 * PartitionKey = `attempts~<sha256 of the key>`, RowKey = BUDGET_ROW_KEY, with `expiresAt`.
 */
export function attemptsPartition(key: string): string {
  return `attempts~${createHash('sha256').update(key).digest('hex')}`;
}
export const BUDGET_ROW_KEY = 'budget';

/** Keys of rows that are not codes; `~` never matches TABLE_CODE_PATTERN, so no code can collide. */
export function ownerPartition(owner: CodeOwner): string {
  return `owner~${createHash('sha256').update(`${owner.issuer ?? ''}\n${owner.subject}`).digest('hex')}`;
}

/** Valid, and its own expiresAt is still ahead: the table never trusts the watcher to be on time. */
export function isLive(row: Pick<CodeRow, 'state' | 'expiresAt'>, now: Date): boolean {
  return row.state === 'valid' && Date.parse(row.expiresAt) > now.getTime();
}

export function ownerOfRow(row: CodeRow): CodeOwner | undefined {
  if (typeof row.subject !== 'string' || !row.subject) return undefined;
  return { subject: row.subject, ...(typeof row.issuer === 'string' && row.issuer ? { issuer: row.issuer } : {}) };
}

export function parseOutstanding(text: unknown): Outstanding[] {
  if (typeof text !== 'string') return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? (value as Outstanding[]).filter((o) => typeof o?.code === 'string' && typeof o.issuedAt === 'string' && typeof o.expiresAt === 'string') : [];
  } catch {
    return [];
  }
}
