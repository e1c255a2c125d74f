import { z } from 'zod';
import { TABLE_CODE_PATTERN } from '../code-table/code-table.js';
import type { QueueMessageEncoding } from '../queue/queue.config.js';
import { parsePythonLiteral } from './python-literal.js';

/**
 * A code-requests message, with its phase carried in the message (never inferred from the table).
 * `activate` is what getcode (and the Python sample) sends, without a phase field; `expire` is what
 * the watcher sends itself, hidden until the code's expiresAt. Unknown optional fields (such as a
 * W3C `traceparent`) are kept in `extra` and carried into the expiry message.
 */
export type CodeMessage =
  | { phase: 'activate'; code: string; issuedAt: Date; priorDeliveries: number; extra: Record<string, unknown> }
  | { phase: 'expire'; code: string; issuedAt: Date; expiresAt: Date; priorDeliveries: number; extra: Record<string, unknown> };

/** How the body reached us: plain JSON, base64 JSON (Azure Functions' default) or a Python dict repr. */
export type BodyFormat = 'json' | 'base64-json' | 'python-repr' | 'base64-python-repr';

export type DecodeResult = { ok: true; message: CodeMessage; format: BodyFormat } | { ok: false; reason: string };

export interface DecodeOptions {
  maxBytes: number;
  now: Date;
  maxClockSkewMs: number;
}

const KNOWN_FIELDS = new Set(['phase', 'code', 'timestamp', 'expiresAt', 'priorDeliveries']);

const requiredString = (field: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `missing field "${field}"` : `field "${field}" must be a string`) });

const messageSchema = z.looseObject({
  phase: z.enum(['activate', 'expire'], { error: 'field "phase" must be "activate" or "expire"' }).optional(),
  code: requiredString('code')
    .max(64, 'field "code" is too long')
    .regex(TABLE_CODE_PATTERN, 'field "code" is not a code (letters and digits in dash-separated groups)'),
  timestamp: requiredString('timestamp').max(40, 'field "timestamp" is too long'),
  expiresAt: requiredString('expiresAt').max(40, 'field "expiresAt" is too long').optional(),
  /**
   * Deliveries the message had before the watcher turned it into this phase in place (its queue
   * dequeue count keeps counting); subtracted so each phase gets the full MAX_DEQUEUE_COUNT.
   */
  priorDeliveries: z.number({ error: 'field "priorDeliveries" must be a number' }).int().min(0).max(10_000).optional(),
});

/** Decodes and checks one queue message body; never throws. */
export function decodeCodeMessage(raw: string, options: DecodeOptions): DecodeResult {
  const bytes = Buffer.byteLength(raw, 'utf8');
  if (bytes > options.maxBytes) return { ok: false, reason: `message is ${bytes} bytes, over the ${options.maxBytes}-byte limit` };
  const parsed = parseBody(raw.trim());
  if (!parsed.ok) return parsed;
  const { value, format } = parsed;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'message is not an object' };

  const checked = messageSchema.safeParse(value);
  if (!checked.success) return { ok: false, reason: checked.error.issues.map((i) => i.message).join('; ') };
  const fields = checked.data;

  const issuedAt = parseTimestamp(fields.timestamp);
  if (!issuedAt) return { ok: false, reason: `field "timestamp" is not a date-time: "${fields.timestamp}"` };
  if (issuedAt.getTime() > options.now.getTime() + options.maxClockSkewMs) {
    return { ok: false, reason: `field "timestamp" is in the future: ${issuedAt.toISOString()}` };
  }
  const extra = Object.fromEntries(Object.entries(value).filter(([key]) => !KNOWN_FIELDS.has(key)));
  const phase = fields.phase ?? 'activate';
  const priorDeliveries = fields.priorDeliveries ?? 0;
  if (phase === 'activate') return { ok: true, format, message: { phase, code: fields.code, issuedAt, priorDeliveries, extra } };

  if (fields.expiresAt === undefined) return { ok: false, reason: 'missing field "expiresAt" (required for phase "expire")' };
  const expiresAt = parseTimestamp(fields.expiresAt);
  if (!expiresAt) return { ok: false, reason: `field "expiresAt" is not a date-time: "${fields.expiresAt}"` };
  if (expiresAt.getTime() < issuedAt.getTime()) return { ok: false, reason: 'field "expiresAt" is before "timestamp"' };
  return { ok: true, format, message: { phase, code: fields.code, issuedAt, expiresAt, priorDeliveries, extra } };
}

/** The expiry message for an activated issuance (always with its phase), in the queue's encoding. */
export function encodeExpiryMessage(
  message: { code: string; issuedAt: Date; expiresAt: Date; extra: Record<string, unknown> },
  encoding: QueueMessageEncoding,
  priorDeliveries = 0,
): string {
  const json = JSON.stringify({
    ...message.extra,
    phase: 'expire',
    code: message.code,
    timestamp: message.issuedAt.toISOString(),
    expiresAt: message.expiresAt.toISOString(),
    ...(priorDeliveries > 0 ? { priorDeliveries } : {}),
  });
  return encoding === 'base64' ? Buffer.from(json, 'utf8').toString('base64') : json;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function parseBody(text: string, nested = false): { ok: true; value: unknown; format: BodyFormat } | { ok: false; reason: string } {
  if (text.startsWith('{')) {
    try {
      return { ok: true, value: JSON.parse(text), format: nested ? 'base64-json' : 'json' };
    } catch (jsonError) {
      try {
        return { ok: true, value: parsePythonLiteral(text), format: nested ? 'base64-python-repr' : 'python-repr' };
      } catch {
        return { ok: false, reason: `body is not JSON (${(jsonError as Error).message})` };
      }
    }
  }
  try {
    JSON.parse(text);
    return { ok: false, reason: 'body is JSON but not a JSON object' };
  } catch {
    // not JSON at all: maybe base64
  }
  if (!nested && BASE64.test(text)) {
    const decoded = Buffer.from(text, 'base64').toString('utf8');
    if (decoded.includes('\uFFFD')) return { ok: false, reason: 'body is base64 but not UTF-8 text' };
    return parseBody(decoded.trim(), true);
  }
  return { ok: false, reason: nested ? 'body is base64 but does not hold a JSON object' : 'body is not JSON (nor base64 JSON, nor a Python dict)' };
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * ISO-8601 (`2026-11-24T16:54:48.816Z`) or Python's `str(datetime.utcnow())`
 * (`2020-04-15 16:54:48.816549`, naive, meaning UTC). Fractions beyond milliseconds are dropped.
 */
export function parseTimestamp(text: string): Date | undefined {
  const match = TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [, day, time, fraction = '0', zone = 'Z'] = match;
  const [year, month, dayOfMonth] = day!.split('-').map(Number) as [number, number, number];
  const [hours, minutes, seconds] = time!.split(':').map(Number) as [number, number, number];
  // Date would roll 2026-02-30 over to March; a producer never means that.
  if (new Date(Date.UTC(year, month - 1, dayOfMonth)).getUTCDate() !== dayOfMonth || month > 12 || hours > 23 || minutes > 59 || seconds > 59) return undefined;
  const millis = fraction.padEnd(3, '0').slice(0, 3);
  const offset = zone === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const date = new Date(`${day}T${time}.${millis}${offset}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
