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

/** Random decimal digits of a step-up code: 10^6 possibilities, about 19.9 bits from the CSPRNG. */
export const STEP_UP_RANDOM_DIGITS = 6;

/**
 * A step-up code, typed from a phone: 8 digits, the number API's value (mod 100, two digits, counted
 * as no entropy: it comes from a third party) then six digits from the CSPRNG. Digits only, so one
 * keypad and no case to get wrong; pages and mails show it as `1234 5678`.
 */
export function formatStepUpCode(value: number, pick: (max: number) => number = randomInt): string {
  const fromApi = String(Math.abs(Math.trunc(value)) % 100).padStart(2, '0');
  let random = '';
  for (let i = 0; i < STEP_UP_RANDOM_DIGITS; i++) random += String(pick(10));
  return `${fromApi}${random}`;
}

export const STEP_UP_CODE_PATTERN = /^\d{8}$/;

/** What a person typed, as a step-up code: spaces and dashes dropped (`1234 5678`, `1234-5678`). */
export function normalizeStepUpCode(typed: string): string {
  return typed.replace(/[\s-]/g, '');
}
