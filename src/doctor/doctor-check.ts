import { DiscoveryService } from '@nestjs/core';

export type CheckStatus = 'ok' | 'warn' | 'fail';

/** What one check found: a status, what it saw, and for a problem the fix and the variable to change. */
export interface CheckResult {
  readonly status: CheckStatus;
  /** What was found, in a phrase (never a secret, token or credential-bearing URL). */
  readonly found: string;
  /** What to do about it. */
  readonly fix?: string;
  /** The variable to change (or to look at), e.g. `PUBLIC_BASE_URL`. */
  readonly variable?: string;
}

/** One check of the configuration a capability owns (`npm run doctor` prints one line per check). */
export interface DoctorCheck {
  /** Short and stable, `<capability>.<what>`: `idp.redirect-uri`, `queue.write`. */
  readonly name: string;
  /**
   * Also run when the API starts (a failure is one warn line). False for checks that write or ask
   * for tokens (probe messages, rows, token requests): those run in `npm run doctor` only.
   */
  readonly atBoot: boolean;
  run(): Promise<CheckResult>;
}

/**
 * What a capability contributes to the doctor (in `<capability>.doctor.ts`, provided by its own
 * module): the checks that apply to this configuration (none when it is not in use). The doctor
 * finds every provider marked `@Diagnoses()`, so it imports no capability, as readiness does.
 */
export interface DoctorChecks {
  checks(): DoctorCheck[];
}

/** Marks a provider as a contributor of doctor checks (found through Nest's DiscoveryService). */
export const Diagnoses = DiscoveryService.createDecorator();

export const ok = (found: string): CheckResult => ({ status: 'ok', found });
export const warn = (found: string, fix?: string, variable?: string): CheckResult => ({ status: 'warn', found, fix, variable });
export const fail = (found: string, fix: string, variable?: string): CheckResult => ({ status: 'fail', found, fix, variable });

/** A check, `atBoot` unless said otherwise. */
export function check(name: string, run: () => Promise<CheckResult>, options: { atBoot?: boolean } = {}): DoctorCheck {
  return { name, atBoot: options.atBoot ?? true, run };
}
