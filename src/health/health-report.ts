import { ServiceUnavailableException } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';

/** Where the answer's status goes: an Express response, or the operations listener's own. */
export interface StatusSink {
  status(code: number): unknown;
}

/**
 * Runs a terminus check and returns its report whether it passed or not; a failed check sets 503
 * on the response instead of throwing, so the caller can still log or trim the report.
 */
export async function readinessReport(check: () => Promise<HealthCheckResult>, res: StatusSink): Promise<HealthCheckResult> {
  try {
    return await check();
  } catch (error) {
    if (!(error instanceof ServiceUnavailableException)) throw error;
    res.status(503);
    return error.getResponse() as HealthCheckResult;
  }
}

/** The report with every component reduced to its status (no names of secrets, no reasons). */
export function statusOnly(report: HealthCheckResult): HealthCheckResult {
  const strip = (part?: HealthCheckResult['info']) =>
    part && Object.fromEntries(Object.entries(part).map(([name, value]) => [name, { status: value?.status ?? 'down' }]));
  return { status: report.status, info: strip(report.info), error: strip(report.error), details: strip(report.details)! };
}
