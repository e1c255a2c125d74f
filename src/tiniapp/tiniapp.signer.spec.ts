import { createHmac } from 'node:crypto';
import { TINIAPP_HEADERS, tiniAppSignature, tiniAppSignedHeaders } from './tiniapp.signer.js';

// Tiki's published example, from its mini-app docs "Cách Tính Signature" (calculate signature):
// https://developers.tiki.vn/docs/backend-api/platform-api/calculate-signature
const TIKI_VECTOR = {
  clientKey: 'RLCKb7Ae9kx4DXtXsCWjnDXtggFnM43W',
  clientSecret: 'EhjGcsUUuRSJTHiYPbW5fxzyaKEx0JuAZIKRQ4HnIfNFidB2kMg6locQbTIEz3Vf',
  timestamp: 1620621619569,
};

describe('tiniAppSignature', () => {
  it('reproduces Tiki\'s published POST test vector (body {"id":123})', () => {
    const result = tiniAppSignature({ ...TIKI_VECTOR, body: JSON.stringify({ id: 123 }) });
    expect(result.encodedPayload).toBe('MTYyMDYyMTYxOTU2OS5STENLYjdBZTlreDREWHRYc0NXam5EWHRnZ0ZuTTQzVy57ImlkIjoxMjN9');
    expect(result.signature).toBe('8ebd092b9df2cf90e8ccbcab2ba87ee14f2abb25eb8f18b4d7286d42adcd45c2');
  });

  it("reproduces Tiki's published GET test vector (path and query signed in place of a body)", () => {
    const path = '/order?location=H%C3%A0%20N%E1%BB%99i&order_id=88062110977884170';
    const result = tiniAppSignature({ ...TIKI_VECTOR, body: path });
    expect(result.encodedPayload).toBe(
      'MTYyMDYyMTYxOTU2OS5STENLYjdBZTlreDREWHRYc0NXam5EWHRnZ0ZuTTQzVy4vb3JkZXI_bG9jYXRpb249SCVDMyVBMCUyME4lRTElQkIlOTlpJm9yZGVyX2lkPTg4MDYyMTEwOTc3ODg0MTcw',
    );
    expect(result.signature).toBe('e1e0d63f7f8296dd31b2c082e611351a6c41a3bc0309a9299832f70b693722c8');
  });

  it('signs the base64url form without padding, not the raw payload (checked independently, the seed\'s way)', () => {
    // The seed's base64URLEncode: standard base64, then strip "=" and map +/ to -_.
    const body = '{"code":"ÿÿ~~??>>"}'; // bytes whose base64 has + and / and padding
    const timestamp = '1700000000123';
    const raw = `${timestamp}.key.${body}`;
    const seedEncoded = Buffer.from(raw, 'utf8').toString('base64').replace(/=/g, '').replace(/\+/g, '-').replace(/\//g, '_');
    expect(Buffer.from(raw, 'utf8').toString('base64')).toMatch(/[+/=]/);
    const expected = createHmac('sha256', 's3cret').update(seedEncoded).digest('hex');
    const result = tiniAppSignature({ clientKey: 'key', clientSecret: 's3cret', timestamp, body });
    expect(result.encodedPayload).toBe(seedEncoded);
    expect(result.signature).toBe(expected);
    expect(result.signature).not.toBe(createHmac('sha256', 's3cret').update(raw).digest('hex'));
  });

  it('signs bytes exactly: a Buffer and the same UTF-8 string agree; a re-serialised body does not', () => {
    const body = '{"code":"Hà Nội"}';
    const a = tiniAppSignature({ clientKey: 'k', clientSecret: 's', timestamp: 1, body });
    const b = tiniAppSignature({ clientKey: 'k', clientSecret: 's', timestamp: 1, body: Buffer.from(body, 'utf8') });
    const spaced = tiniAppSignature({ clientKey: 'k', clientSecret: 's', timestamp: 1, body: '{"code": "Hà Nội"}' });
    expect(a.signature).toBe(b.signature);
    expect(spaced.signature).not.toBe(a.signature);
  });
});

describe('tiniAppSignedHeaders', () => {
  it('sends the client key, the millisecond timestamp used, and the signature over both', () => {
    const headers = tiniAppSignedHeaders(TIKI_VECTOR.clientKey, TIKI_VECTOR.clientSecret, '{"id":123}', () => TIKI_VECTOR.timestamp);
    expect(headers).toEqual({
      [TINIAPP_HEADERS.clientId]: TIKI_VECTOR.clientKey,
      [TINIAPP_HEADERS.timestamp]: '1620621619569',
      [TINIAPP_HEADERS.signature]: '8ebd092b9df2cf90e8ccbcab2ba87ee14f2abb25eb8f18b4d7286d42adcd45c2',
    });
  });
});
