import { createHmac } from 'node:crypto';

/** Tiki's request-signing headers, in the case Tiki documents them. */
export const TINIAPP_HEADERS = {
  clientId: 'X-Tiniapp-Client-Id',
  timestamp: 'X-Tiniapp-Timestamp',
  signature: 'X-Tiniapp-Signature',
} as const;

export interface TiniAppSignatureInput {
  clientKey: string;
  clientSecret: string;
  /** Milliseconds since the epoch, as sent in X-Tiniapp-Timestamp. */
  timestamp: number | string;
  /** Exactly the body bytes sent (a GET signs its path and query here instead). */
  body: string | Buffer;
}

/**
 * Tiki's scheme: hex HMAC-SHA256(secret, base64url-no-padding(timestamp + "." + clientKey + "." + body)).
 * What is signed is the ENCODED payload: Tiki's pseudo code says the raw one, but its code samples
 * and published test vector (and Tiki's servers) use the encoded form.
 */
export function tiniAppSignature(input: TiniAppSignatureInput): { encodedPayload: string; signature: string } {
  const payload = Buffer.concat([Buffer.from(`${input.timestamp}.${input.clientKey}.`, 'utf8'), toBuffer(input.body)]);
  const encodedPayload = payload.toString('base64url');
  const signature = createHmac('sha256', input.clientSecret).update(encodedPayload, 'utf8').digest('hex');
  return { encodedPayload, signature };
}

/** The three headers for one call, timestamped by `now`. */
export function tiniAppSignedHeaders(
  clientKey: string,
  clientSecret: string,
  body: string | Buffer,
  now: () => number,
): Record<string, string> {
  const timestamp = String(now());
  const { signature } = tiniAppSignature({ clientKey, clientSecret, timestamp, body });
  return {
    [TINIAPP_HEADERS.clientId]: clientKey,
    [TINIAPP_HEADERS.timestamp]: timestamp,
    [TINIAPP_HEADERS.signature]: signature,
  };
}

function toBuffer(body: string | Buffer): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}
