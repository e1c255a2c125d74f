/**
 * One section of `npm run bench`. Each section measures something against a reference measured in
 * the same run (this machine is shared and noisy, so absolute numbers mean little) and returns
 * rows to print plus pass/fail against its targets.
 */
export interface BenchResult {
  /** Markdown table rows or lines, printed as-is and pasted into the README. */
  lines: string[];
  /** Target checks: `ok` false does not fail the run but is reported loudly. */
  targets: Array<{ name: string; ok: boolean; detail: string; /** Not measurable in this build or on this machine (counted as not met). */ skipped?: boolean }>;
}

export interface BenchSection {
  name: string;
  run(): Promise<BenchResult>;
}
