import { isColorSupported, prettyFactory } from 'pino-pretty';
import { PRETTY_LOG_OPTIONS } from '../../common/pretty-log.options.js';
import type { LogFormat } from '../../common/logging.config.js';

/** Turns one line a part printed into the lines the supervisor shows (before its `[part]` prefix). */
export type LineFormatter = (line: string) => string[];

/**
 * LOG_FORMAT=pretty (the stack's default): every part prints JSON lines as in production (the
 * API's and watcher's pino, the stand-ins' own `{"level","msg"}` lines) and the supervisor renders
 * them with pino-pretty, in one place for every part. Lines that are not a JSON log entry (Azurite,
 * a stack trace on stderr) pass unchanged. LOG_FORMAT=json passes everything unchanged.
 */
export function readableLogLines(format: LogFormat, colorize = isColorSupported): LineFormatter {
  if (format === 'json') return (line) => [line];
  const pretty = prettyFactory({ ...PRETTY_LOG_OPTIONS, colorize });
  return (line) => {
    if (!isLogEntry(line)) return [line];
    return pretty(line).replace(/\n$/, '').split('\n');
  };
}

function isLogEntry(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    const entry: unknown = JSON.parse(line);
    return typeof entry === 'object' && entry !== null && 'level' in entry && 'msg' in entry;
  } catch {
    return false;
  }
}
