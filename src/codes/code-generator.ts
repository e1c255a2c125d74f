import { randomInt } from 'node:crypto';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** `count` ASCII letters from the CSPRNG (the sample used Python's non-cryptographic `random`). */
export function randomLetters(count: number, pick: (max: number) => number = randomInt): string {
  let out = '';
  for (let i = 0; i < count; i++) out += LETTERS[pick(LETTERS.length)];
  return out;
}

/** `abC-161-xYz`: three letters, the number, three letters. */
export function formatCode(value: number, pick?: (max: number) => number): string {
  return `${randomLetters(3, pick)}-${value}-${randomLetters(3, pick)}`;
}

export const CODE_PATTERN = /^[A-Za-z]{3}-\d+-[A-Za-z]{3}$/;
