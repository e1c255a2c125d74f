import fc from 'fast-check';

/** Pieces an attacker splices together: dot segments, slashes both ways, encodings, whitespace, unicode. */
export const returnToFragments = fc.constantFrom(
  '/', '//', '\\', '/\\', '.', '..', './', '../', '/./', '/../', '%2e', '%2E%2E', '%2f', '%5c', '%2F%2F',
  '\t', '\n', '\r', ' ', '\u0000', '\u00a0', '\u3000', '\ufeff', '@', ':', '?', '#', '&', '=', '%', '%00',
  'evil.example', 'https:', 'http://evil.example', 'javascript:', 'x', 'profile', 'é', '𝟘', '\u2028', '\u202e',
  'ｅｖｉｌ．ｅｘａｍｐｌｅ', '／', '＼', '%ef%bc%8f',
);
export const attackerReturnTo = fc.oneof(
  fc.array(returnToFragments, { maxLength: 12 }).map((parts) => parts.join('')),
  fc.array(returnToFragments, { maxLength: 12 }).map((parts) => `/${parts.join('')}`),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 64 }).map((s) => `/${s}`),
);

/** The shapes that become protocol-relative once normalised: `/./` or `/a/../` in front of `//host`. */
export const protocolRelativeAttack = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom('.', '..', 'a/..', '%2e', '%2E%2e', '.%2e'), fc.constantFrom('/', '/', '/', '\\', '/\t')), { minLength: 1, maxLength: 2 }),
    fc.constantFrom('/', '/', '//', '\\', '/\\', '\t/', '%2f'),
    fc.constantFrom('evil.example', 'evil.example:443', 'user@evil.example', '127.0.0.2', '[::1]'),
    fc.constantFrom('', '/x', '?a=1', '#f', '/%2e%2e/'),
  )
  .map(([segments, slash, host, tail]) => `/${segments.map(([s, sep]) => s + sep).join('')}${slash}${host}${tail}`);

/** What the returnTo properties draw from: the targeted attacks often, anything else too. */
export const anyReturnTo = fc.oneof({ arbitrary: protocolRelativeAttack, weight: 2 }, { arbitrary: attackerReturnTo, weight: 2 });
