import { isLive } from './code-rows.js';
import { TABLE_CODE_PATTERN } from './code-table.js';

describe('valid-code rows', () => {
  const now = new Date('2026-11-24T10:00:00.000Z');

  it('a row is live only while valid and before its own expiresAt', () => {
    expect(isLive({ state: 'valid', expiresAt: '2026-11-24T10:00:00.001Z' }, now)).toBe(true);
    expect(isLive({ state: 'valid', expiresAt: '2026-11-24T10:00:00.000Z' }, now)).toBe(false);
    expect(isLive({ state: 'used', expiresAt: '2026-11-24T11:00:00.000Z' }, now)).toBe(false);
  });

  it('table keys are limited to the code alphabet', () => {
    for (const code of ['ojE-161-pTv', 'abc-1000-XYZ', 'ABC123']) expect(TABLE_CODE_PATTERN.test(code)).toBe(true);
    for (const code of ['a/b', "a'b", 'a#b', 'a?b', 'a\\b', '', '-abc', 'abc--1', 'a b']) expect(TABLE_CODE_PATTERN.test(code)).toBe(false);
  });
});
