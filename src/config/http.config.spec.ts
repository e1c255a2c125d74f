import { httpConfigSection } from './http.config.js';

const problems = (env: Record<string, string>) => {
  const result = httpConfigSection.parse(env);
  return result.ok ? [] : result.problems;
};

describe('http config: LOG_FORMAT', () => {
  it('defaults to json (start:prod, the image); pretty is for local reading', () => {
    expect(httpConfigSection.parse({})).toMatchObject({ ok: true, value: { logFormat: 'json' } });
    expect(httpConfigSection.parse({ LOG_FORMAT: 'pretty' })).toMatchObject({ ok: true, value: { logFormat: 'pretty' } });
  });

  it('names LOG_FORMAT when it is neither json nor pretty', () => {
    expect(problems({ LOG_FORMAT: 'xml' })).toEqual(['LOG_FORMAT: must be json or pretty']);
  });

  it('refuses pretty in production, where pino-pretty (a devDependency) is not installed', () => {
    expect(problems({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' })).toEqual([
      'LOG_FORMAT: must be json when NODE_ENV=production (pino-pretty is a devDependency, not in the image)',
    ]);
  });
});

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

describe('http config: LOG_FLUSH_MS', () => {
  it('defaults to 1000 ms; 0 writes every line at once', () => {
    expect(parse({})).toMatchObject({ ok: true, value: { logFlushMs: 1000 } });
    expect(parse({ LOG_FLUSH_MS: '0' })).toMatchObject({ ok: true, value: { logFlushMs: 0 } });
  });

  it.each(['-1', '10001', 'soon', '1.5'])('names LOG_FLUSH_MS=%s', (value) => {
    expect(problems({ LOG_FLUSH_MS: value })).toEqual([`LOG_FLUSH_MS: must be an integer from 0 to 10000 (got "${value}")`]);
  });
});
