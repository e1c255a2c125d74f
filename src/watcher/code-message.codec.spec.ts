import { decodeCodeMessage, encodeExpiryMessage, parseTimestamp } from './code-message.codec.js';

const now = new Date('2026-11-24T10:00:00.000Z');
const options = { maxBytes: 1024, now, maxClockSkewMs: 60_000 };
const decode = (raw: string) => decodeCodeMessage(raw, options);

describe('decodeCodeMessage', () => {
  it('reads getcode JSON as an activation', () => {
    expect(decode('{"code":"ojE-161-pTv","timestamp":"2026-11-24T09:59:00.123Z"}')).toEqual({
      ok: true,
      format: 'json',
      message: { phase: 'activate', code: 'ojE-161-pTv', issuedAt: new Date('2026-11-24T09:59:00.123Z'), priorDeliveries: 0, extra: {} },
    });
  });

  it('reads base64 JSON and a Python repr (also base64) the same way', () => {
    const json = '{"code":"ojE-161-pTv","timestamp":"2026-11-24T09:59:00.123Z"}';
    const repr = "{'code': 'ojE-161-pTv', 'timestamp': '2026-11-24 09:59:00.123456'}";
    const expected = { phase: 'activate', code: 'ojE-161-pTv', issuedAt: new Date('2026-11-24T09:59:00.123Z'), priorDeliveries: 0, extra: {} };
    expect(decode(Buffer.from(json).toString('base64'))).toEqual({ ok: true, format: 'base64-json', message: expected });
    expect(decode(repr)).toEqual({ ok: true, format: 'python-repr', message: expected });
    expect(decode(Buffer.from(repr).toString('base64'))).toEqual({ ok: true, format: 'base64-python-repr', message: expected });
  });

  it('keeps unknown optional fields and carries them into the expiry message', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const result = decode(JSON.stringify({ code: 'abc-1-abc', timestamp: '2026-11-24T09:59:00.000Z', traceparent }));
    expect(result).toMatchObject({ ok: true, message: { extra: { traceparent } } });
    if (!result.ok || result.message.phase !== 'activate') throw new Error('unreachable');
    const expiresAt = new Date('2026-11-24T10:09:00.000Z');
    const body = encodeExpiryMessage({ ...result.message, expiresAt }, 'plain', 2);
    expect(JSON.parse(body)).toEqual({ traceparent, phase: 'expire', code: 'abc-1-abc', timestamp: '2026-11-24T09:59:00.000Z', expiresAt: expiresAt.toISOString(), priorDeliveries: 2 });
    expect(decode(body)).toEqual({ ok: true, format: 'json', message: { phase: 'expire', code: 'abc-1-abc', issuedAt: result.message.issuedAt, expiresAt, priorDeliveries: 2, extra: { traceparent } } });
    const base64 = encodeExpiryMessage({ ...result.message, expiresAt }, 'base64', 2);
    expect(JSON.parse(Buffer.from(base64, 'base64').toString())).toEqual(JSON.parse(body));
  });

  it.each([
    ['not JSON', 'hello', /body is not JSON/],
    ['base64 of not JSON', Buffer.from('hello there').toString('base64'), /base64 but does not hold a JSON object/],
    ['JSON null', 'null', /body is JSON but not a JSON object/],
    ['a JSON string', '"abc"', /body is JSON but not a JSON object/],
    ['a JSON array', '[1,2]', /body is JSON but not a JSON object/],
    ['a missing code', '{"timestamp":"2026-11-24T09:59:00Z"}', /missing field "code"/],
    ['a numeric code', '{"code":161,"timestamp":"2026-11-24T09:59:00Z"}', /field "code" must be a string/],
    ['a code with key characters', '{"code":"a/b","timestamp":"2026-11-24T09:59:00Z"}', /field "code" is not a code/],
    ['a missing timestamp', '{"code":"abc-1-abc"}', /missing field "timestamp"/],
    ['a bad timestamp', '{"code":"abc-1-abc","timestamp":"2026-13-45 99:00:00"}', /not a date-time/],
    ['a future timestamp', '{"code":"abc-1-abc","timestamp":"2026-11-24T11:00:00Z"}', /in the future/],
    ['an unknown phase', '{"phase":"toggle","code":"abc-1-abc","timestamp":"2026-11-24T09:59:00Z"}', /"phase" must be/],
    ['an expiry without expiresAt', '{"phase":"expire","code":"abc-1-abc","timestamp":"2026-11-24T09:59:00Z"}', /missing field "expiresAt"/],
    ['an expiry ending before it began', '{"phase":"expire","code":"abc-1-abc","timestamp":"2026-11-24T09:59:00Z","expiresAt":"2026-11-24T09:00:00Z"}', /before "timestamp"/],
    ['a priorDeliveries that is not a count', '{"phase":"expire","code":"abc-1-abc","timestamp":"2026-11-24T09:59:00Z","expiresAt":"2026-11-24T10:09:00Z","priorDeliveries":"2"}', /"priorDeliveries" must be a number/],
    ['an oversized body', JSON.stringify({ code: 'abc-1-abc', timestamp: '2026-11-24T09:59:00Z', pad: 'x'.repeat(1100) }), /over the 1024-byte limit/],
  ])('rejects %s with a reason', (_name, raw, reason) => {
    const result = decode(raw);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});

describe('parseTimestamp', () => {
  it.each([
    ['2026-11-24T09:59:00.123Z', '2026-11-24T09:59:00.123Z'],
    ['2020-04-15 16:54:48.816549', '2020-04-15T16:54:48.816Z'],
    ['2020-04-15 16:54:48', '2020-04-15T16:54:48.000Z'],
    ['2026-11-24T11:59:00+02:00', '2026-11-24T09:59:00.000Z'],
    ['2026-11-24T11:59:00.5+0200', '2026-11-24T09:59:00.500Z'],
  ])('%s → %s', (text, iso) => expect(parseTimestamp(text)?.toISOString()).toBe(iso));

  it.each(['yesterday', '2026-11-24', '2026-02-30T00:00:00Z', ''])('rejects %j', (text) => expect(parseTimestamp(text)).toBeUndefined());
});
