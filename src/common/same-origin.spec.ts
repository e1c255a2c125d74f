import { crossSiteReason } from './same-origin.js';

const BASE = 'https://app.example';

describe('crossSiteReason', () => {
  it.each([
    [{ origin: BASE, 'sec-fetch-site': 'same-origin' }],
    [{ origin: BASE }],
    [{ 'sec-fetch-site': 'same-origin' }],
    [{ origin: 'null', 'sec-fetch-site': 'same-origin' }], // Referrer-Policy: no-referrer
  ])('accepts a same-origin request %j', (headers) => {
    expect(crossSiteReason(headers, BASE)).toBeUndefined();
  });

  it.each([
    [{}],
    [{ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }],
    [{ origin: 'https://evil.example' }],
    [{ origin: 'null' }],
    [{ origin: 'https://sub.app.example', 'sec-fetch-site': 'same-site' }],
    [{ 'sec-fetch-site': 'none' }],
    [{ origin: BASE, 'sec-fetch-site': 'cross-site' }],
    [{ origin: 'http://app.example' }],
  ])('refuses %j', (headers) => {
    expect(crossSiteReason(headers, BASE)).toEqual(expect.any(String));
  });
});
