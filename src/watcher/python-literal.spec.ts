import { parsePythonLiteral } from './python-literal.js';

describe('parsePythonLiteral', () => {
  it("parses the sample's queue body (str of a dict)", () => {
    expect(parsePythonLiteral("{'code': 'ojE-161-pTv', 'timestamp': '2020-04-15 16:54:48.816549'}")).toEqual({
      code: 'ojE-161-pTv',
      timestamp: '2020-04-15 16:54:48.816549',
    });
  });

  it('handles escapes, double quotes, numbers, booleans, None, lists and tuples', () => {
    expect(parsePythonLiteral(`{"a": 'it\\'s', 'b': [1, -2.5, 1e3], 'c': (True, False, None), 'd': '\\x41\\u00e9\\n', 'e': {}, }`)).toEqual({
      a: "it's",
      b: [1, -2.5, 1000],
      c: [true, false, null],
      d: 'Aé\n',
      e: {},
    });
  });

  it.each([
    ['an unterminated string', "{'code': 'abc"],
    ['trailing garbage', "{'a': 1} x"],
    ['a call', "{'a': __import__('os')}"],
    ['a missing colon', "{'a' 1}"],
    ['deep nesting', '['.repeat(40) + ']'.repeat(40)],
  ])('rejects %s', (_name, text) => {
    expect(() => parsePythonLiteral(text)).toThrow(SyntaxError);
  });
});
