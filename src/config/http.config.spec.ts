import { httpConfigSection } from './http.config.js';

const parse = (env: Record<string, string>) => httpConfigSection.parse(env);

describe('http config: TRUST_PROXY and docs', () => {
  it.each([
    [undefined, 0],
    ['', 0],
    ['false', 0],
    ['true', 1], // one ingress, never "every hop"
    ['0', 0],
    ['1', 1],
    ['2', 2],
    ['10.0.0.0/8', ['10.0.0.0/8']],
    ['loopback, 10.1.2.3, fd00::/8', ['loopback', '10.1.2.3', 'fd00::/8']],
  ])('TRUST_PROXY=%p is %p', (value, expected) => {
    const r = parse(value === undefined ? {} : { TRUST_PROXY: value });
    expect(r.ok && r.value.trustProxy).toEqual(expected);
  });

  it.each([['yes please'], ['-1'], ['11'], ['10.0.0.0/33'], ['10.0.0.1, evil'], ['1.5'], ['*']])('TRUST_PROXY=%p is refused, naming the variable', (value) => {
    const r = parse({ TRUST_PROXY: value });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems.join()).toMatch(/TRUST_PROXY: must be a hop count/);
  });

  it('/docs is on in development, off in production unless DOCS_ENABLED=true', () => {
    const dev = parse({});
    expect(dev.ok && dev.value.docsEnabled).toBe(true);
    const prod = parse({ NODE_ENV: 'production' });
    expect(prod.ok && prod.value.docsEnabled).toBe(false);
    const explicit = parse({ NODE_ENV: 'production', DOCS_ENABLED: 'true' });
    expect(explicit.ok && explicit.value.docsEnabled).toBe(true);
  });
});
