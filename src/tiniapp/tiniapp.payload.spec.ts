import { parseTiniAppPayload } from './tiniapp.payload.js';
import type { TiniAppRawBody } from './tiniapp.body-reader.js';
import { TiniAppBadRequestError, TiniAppPayloadTooLargeError } from './tiniapp.errors.js';

const bytes = (text: string): TiniAppRawBody => ({ kind: 'bytes', bytes: Buffer.from(text, 'utf8') });

describe('parseTiniAppPayload', () => {
  it('returns only the required key (extra keys are dropped, never forwarded)', () => {
    expect(parseTiniAppPayload(bytes('{"code":"abc","client_secret":"x","nested":{"a":1}}'), 'code')).toEqual({ code: 'abc' });
  });

  it.each([
    ['', 'No payload received'],
    ['  \n', 'No payload received'],
    ['{}', 'No payload received'],
    ['[]', 'No payload received'],
    ['null', 'No payload received'],
    ['false', 'No payload received'],
    ['0', 'No payload received'],
    ['""', 'No payload received'],
    ['{bad json', 'Invalid payload data format'],
    ['[1]', 'Invalid payload data format'],
    ['"code"', 'Invalid payload data format'],
    ['true', 'Invalid payload data format'],
    ['7', 'Invalid payload data format'],
    ['{"other":"x"}', "Missing key 'code'"],
    ['{"code":""}', "Missing key 'code'"],
    ['{"code":"   "}', "Missing key 'code'"],
    ['{"code":1}', "Missing key 'code'"],
    ['{"code":["a"]}', "Missing key 'code'"],
  ])('%j → 400 %s', (text, message) => {
    const attempt = () => parseTiniAppPayload(bytes(text), 'code');
    expect(attempt).toThrow(TiniAppBadRequestError);
    expect(attempt).toThrow(message);
  });

  it('does not take the key from the prototype chain', () => {
    expect(() => parseTiniAppPayload(bytes('{"a":1}'), 'constructor')).toThrow("Missing key 'constructor'");
  });

  it('a body over the limit is 413', () => {
    const attempt = () => parseTiniAppPayload({ kind: 'too-large', limitBytes: 8192 }, 'code');
    expect(attempt).toThrow(TiniAppPayloadTooLargeError);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    }
  });
});
