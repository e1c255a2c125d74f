/** Injection token of the process's Telemetry (started once per process, see telemetry.ts). */
export const TELEMETRY = Symbol('TELEMETRY');
