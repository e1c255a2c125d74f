import type { TiniAppRawBody } from './tiniapp.body-reader.js';
import { TiniAppBadRequestError, TiniAppPayloadTooLargeError } from './tiniapp.errors.js';

/**
 * The seed's input rules, in its order: no (or an empty/falsy) JSON body → "No payload received";
 * not a JSON object → "Invalid payload data format"; the key missing → "Missing key '<key>'" (here
 * also when it is not a non-empty string, which Tiki would reject anyway). Only the one key is
 * returned, so unknown extra keys are never forwarded to Tiki.
 */
export function parseTiniAppPayload<K extends string>(raw: TiniAppRawBody, key: K): Record<K, string> {
  if (raw.kind === 'too-large') throw new TiniAppPayloadTooLargeError(raw.limitBytes);
  const text = raw.bytes.toString('utf8');
  if (text.trim() === '') throw new TiniAppBadRequestError('No payload received');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new TiniAppBadRequestError('Invalid payload data format');
  }
  // Python's `if not data_dict`: null, false, 0, "", [] and {} all count as no payload.
  if (isFalsyLikePython(data)) throw new TiniAppBadRequestError('No payload received');
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new TiniAppBadRequestError('Invalid payload data format');
  const value = (data as Record<string, unknown>)[key];
  if (!Object.hasOwn(data, key) || typeof value !== 'string' || value.trim() === '') {
    throw new TiniAppBadRequestError(`Missing key '${key}'`);
  }
  return { [key]: value } as Record<K, string>;
}

function isFalsyLikePython(data: unknown): boolean {
  if (!data) return true;
  if (Array.isArray(data)) return data.length === 0;
  return typeof data === 'object' && Object.keys(data).length === 0;
}
