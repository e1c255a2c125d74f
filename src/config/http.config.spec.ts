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
