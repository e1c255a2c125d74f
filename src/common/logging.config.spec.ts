import { loggingConfigSection } from './logging.config.js';

const problems = (env: Record<string, string>) => {
  const result = loggingConfigSection.parse(env);
  return result.ok ? [] : result.problems;
};

describe('logging config: LOG_FORMAT', () => {
  it('defaults to json (start:prod, the image); pretty is for local reading', () => {
    expect(loggingConfigSection.parse({})).toMatchObject({ ok: true, value: { logFormat: 'json' } });
    expect(loggingConfigSection.parse({ LOG_FORMAT: 'pretty' })).toMatchObject({ ok: true, value: { logFormat: 'pretty' } });
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

const parse = (env: Record<string, string>) => loggingConfigSection.parse(env);

describe('logging config: LOG_FLUSH_MS', () => {
  it('defaults to 1000 ms; 0 writes every line at once', () => {
    expect(parse({})).toMatchObject({ ok: true, value: { logFlushMs: 1000 } });
    expect(parse({ LOG_FLUSH_MS: '0' })).toMatchObject({ ok: true, value: { logFlushMs: 0 } });
  });

  it.each(['-1', '10001', 'soon', '1.5'])('names LOG_FLUSH_MS=%s', (value) => {
    expect(problems({ LOG_FLUSH_MS: value })).toEqual([`LOG_FLUSH_MS: must be an integer from 0 to 10000 (got "${value}")`]);
  });
});
