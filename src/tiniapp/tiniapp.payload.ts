import { z } from 'zod';
import { parseWith } from '../common/validation.js';
import type { TiniAppRawBody } from './tiniapp.body-reader.js';
import { TiniAppBadRequestError, TiniAppPayloadTooLargeError } from './tiniapp.errors.js';

const NO_PAYLOAD = 'No payload received';
const INVALID_FORMAT = 'Invalid payload data format';

/**
 * The JSON object a Tini App route takes: `{ <key>: "<non-blank string>" }`. Only the one key is
 * kept, so unknown extra keys are never forwarded to Tiki. (Also the route's OpenAPI body.)
 */
export function tiniAppFieldsSchema<K extends string>(key: K) {
  const missing = `Missing key '${key}'`;
  return z.object({ [key]: z.string({ error: missing }).refine((value) => value.trim() !== '', missing) } as unknown as Record<K, z.ZodType<string>>, {
    error: INVALID_FORMAT,
  });
}

/**
 * The seed's input rules over the body text, in its order: no (or an empty/falsy) JSON body → "No
 * payload received"; not a JSON object → "Invalid payload data format"; the key missing → "Missing
 * key '<key>'" (here also when it is not a non-empty string, which Tiki would reject anyway).
 */
export function tiniAppPayloadSchema<K extends string>(key: K) {
  return z
    .string()
    .refine((text) => text.trim() !== '', NO_PAYLOAD)
    .pipe(
      z.string().transform((text, ctx): unknown => {
        try {
          return JSON.parse(text);
        } catch {
          ctx.addIssue({ code: 'custom', message: INVALID_FORMAT });
          return z.NEVER;
        }
      }),
    )
    // Python's `if not data_dict`: null, false, 0, "", [] and {} all count as no payload.
    .pipe(z.unknown().refine((data) => !isFalsyLikePython(data), NO_PAYLOAD))
    .pipe(tiniAppFieldsSchema(key));
}

/** The validated payload of a Tini App route, from the raw body its reader kept (413 past the limit). */
export function parseTiniAppPayload<K extends string>(raw: TiniAppRawBody, key: K): Record<K, string> {
  if (raw.kind === 'too-large') throw new TiniAppPayloadTooLargeError(raw.limitBytes);
  return parseWith(tiniAppPayloadSchema(key), raw.bytes.toString('utf8'), (detail) => new TiniAppBadRequestError(detail)) as Record<K, string>;
}

function isFalsyLikePython(data: unknown): boolean {
  if (!data) return true;
  if (Array.isArray(data)) return data.length === 0;
  return typeof data === 'object' && Object.keys(data).length === 0;
}
