import { safeReturnTo } from './return-to.js';

describe('safeReturnTo', () => {
  it.each([['/'], ['/profile'], ['/profile?tab=1#x'], ['/a/b/../c']])('keeps the same-origin path %s', (path) => {
    expect(safeReturnTo(path)).toBe(new URL(path, 'http://h').pathname + new URL(path, 'http://h').search + new URL(path, 'http://h').hash);
  });

  it.each([
    ['//evil.example'],
    ['https://evil.example/'],
    ['/\\evil.example'],
    ['\\\\evil.example'],
    ['javascript:alert(1)'],
    ['evil.example'],
    ['/%0d%0aSet-Cookie:x'.replace('%0d%0a', '\r\n')],
    [''],
    [undefined],
    [['/a', '/b']],
    ['/' + 'a'.repeat(3000)],
  ])('falls back to / for %p', (value) => {
    expect(safeReturnTo(value)).toBe('/');
  });
});
