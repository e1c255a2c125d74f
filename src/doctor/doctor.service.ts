import { Injectable, Logger } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { type CheckResult, type DoctorCheck, type DoctorChecks, Diagnoses } from './doctor-check.js';

/** One line of the report: the check's name and what it found. */
export interface DoctorFinding extends CheckResult {
  readonly check: string;
}

/** A check that has not answered in this long fails (an IdP or store that hangs is a finding too). */
export const CHECK_TIMEOUT_MS = 10_000;

/**
 * Runs the checks every capability of the process contributes (`@Diagnoses()` providers): for
 * `npm run doctor`, and at boot (only the read-only ones, each failure one warn line). A check
 * that throws or hangs is a failure of that check, never of the run.
 */
@Injectable()
export class DoctorService {
  private readonly logger = new Logger('Doctor');

  constructor(private readonly discovery: DiscoveryService) {}

  /** Every check, in the order the process's modules provide them; they run concurrently. */
  async run(filter: (check: DoctorCheck) => boolean = () => true): Promise<DoctorFinding[]> {
    const checks = this.discovery
      .getProviders({ metadataKey: Diagnoses.KEY })
      .map((wrapper) => wrapper.instance as DoctorChecks | undefined)
      .filter((provider): provider is DoctorChecks => typeof provider?.checks === 'function')
      .flatMap((provider) => provider.checks())
      .filter(filter);
    return Promise.all(checks.map(async (check) => ({ check: check.name, ...(await runOne(check)) })));
  }

  /** At start-up: the boot checks in the background, one warn line per failure (the API serves meanwhile and reports itself unready). */
  async warnAtBoot(): Promise<DoctorFinding[]> {
    const findings = await this.run((check) => check.atBoot);
    const failed = findings.filter((f) => f.status === 'fail');
    for (const finding of failed) this.logger.warn(`${finding.check} failed: ${finding.found}. Fix: ${finding.fix}${finding.variable ? ` (${finding.variable})` : ''}`);
    if (failed.length) this.logger.warn(`${failed.length} of ${findings.length} start-up checks failed; npm run doctor runs every check`);
    else this.logger.log(`${findings.length} start-up checks passed`);
    return findings;
  }
}

async function runOne(check: DoctorCheck): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check.run(),
      new Promise<CheckResult>((resolve) => {
        timer = setTimeout(() => resolve({ status: 'fail', found: `no answer within ${CHECK_TIMEOUT_MS / 1000} s`, fix: 'see why it hangs (network, firewall, the service itself)' }), CHECK_TIMEOUT_MS);
        timer.unref();
      }),
    ]);
  } catch (error) {
    return { status: 'fail', found: `the check itself failed: ${(error as Error).message}`, fix: 'report this; the check should have said what it found' };
  } finally {
    clearTimeout(timer);
  }
}

/** `ok    idp.discovery  …`: one line per finding, its fix and variable on the same line. */
export function formatFinding(finding: DoctorFinding, width = 0): string {
  const status = finding.status === 'ok' ? 'ok  ' : finding.status === 'warn' ? 'WARN' : 'FAIL';
  const fix = finding.fix && finding.status !== 'ok' ? ` | fix: ${finding.fix}` : '';
  const variable = finding.variable && finding.status !== 'ok' ? ` | variable: ${finding.variable}` : '';
  return `${status}  ${finding.check.padEnd(width)}  ${finding.found}${fix}${variable}`;
}
