import { bearerMatches } from './metrics-token.js';

describe('bearerMatches', () => {
  it.each([
    ['Bearer s3cret', true],
    ['bearer s3cret', true],
    ['Bearer  s3cret ', true],
    ['Bearer s3cre', false],
    ['Bearer s3cret2', false],
    ['Basic s3cret', false],
    ['s3cret', false],
    [undefined, false],
  ])('%s → %s', (header, expected) => expect(bearerMatches(header, 's3cret')).toBe(expected));
});
