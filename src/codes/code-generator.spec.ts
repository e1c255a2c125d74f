import { CODE_PATTERN, formatCode, randomLetters } from './code-generator.js';

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
