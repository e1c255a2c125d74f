import fc from 'fast-check';
import { CODE_PATTERN, formatCode, formatStepUpCode, normalizeStepUpCode, randomLetters, STEP_UP_CODE_PATTERN } from './code-generator.js';
import { TABLE_CODE_PATTERN } from '../code-table/code-table.js';

describe('code generator', () => {
  it('formats three letters, the number, three letters', () => {
    const code = formatCode(161);
    expect(code).toMatch(CODE_PATTERN);
    expect(code.split('-')[1]).toBe('161');
  });

  it('draws each letter from the given random source over the 52 ASCII letters', () => {
    const seen: number[] = [];
    const letters = randomLetters(4, (max) => {
      seen.push(max);
      return [0, 25, 26, 51][seen.length - 1]!;
    });
    expect(letters).toBe('azAZ');
    expect(seen).toEqual([52, 52, 52, 52]);
  });

  it('uses the CSPRNG by default and spreads over all letters', () => {
    const all = new Set(randomLetters(5000).split(''));
    expect(all.size).toBe(52);
  });
});

describe('step-up code (typed from a phone)', () => {
  it('is 8 digits: the number API’s value mod 100, then 6 digits from the random source', () => {
    const picks: number[] = [];
    expect(formatStepUpCode(161, (max) => (picks.push(max), 7))).toBe('61777777');
    expect(picks).toEqual([10, 10, 10, 10, 10, 10]);
    expect(formatStepUpCode(1000, () => 0)).toBe('00000000');
    expect(formatStepUpCode(5, () => 9)).toBe('05999999');
  });

  it('always matches its pattern and the table’s key rule, for any value the number API may send', () => {
    fc.assert(
      fc.property(fc.integer(), (value) => {
        const code = formatStepUpCode(value);
        expect(code).toMatch(STEP_UP_CODE_PATTERN);
        expect(code).toMatch(TABLE_CODE_PATTERN);
      }),
    );
  });

  it('the CSPRNG spreads the random part over every digit', () => {
    const digits = new Set(Array.from({ length: 200 }, () => formatStepUpCode(1).slice(2)).join(''));
    expect(digits.size).toBe(10);
  });

  it('is typed with or without the space or a dash', () => {
    expect(normalizeStepUpCode(' 1648 2913 ')).toBe('16482913');
    expect(normalizeStepUpCode('1648-2913')).toBe('16482913');
  });
});
