import { z } from 'zod';
import { type ConfigSection, defineConfigSection, envInt } from './config-section.js';
import { ConfigValidationError } from './config.errors.js';
import { loadConfig } from './load-config.js';

/** Three small sections: `base` owns BASE_URL; `user` reads it (and needs `shared` when SHARED=on); `shared` is told who needs it. */
class Base {
  readonly url!: string;
}
const base = defineConfigSection('base', Base, z.object({ BASE_URL: z.string().default('http://base') }), (v) => ({ url: v.BASE_URL }));

class Shared {
  readonly host?: string;
  readonly usedBy!: readonly string[];
}
const shared = defineConfigSection('shared', Shared, z.object({ SHARED_HOST: z.string().optional() }), (v) => ({ host: v.SHARED_HOST, usedBy: [] }), {
  complete: (value, needs) =>
    needs.length && !value.host
      ? { ok: false, problems: [`SHARED_HOST: is required when ${needs.map((n) => n.by).join(' and ')}`] }
      : { ok: true, value: { ...value, usedBy: needs.map((n) => n.by) } },
});

class User {
  readonly link!: string;
  readonly limit!: number;
  readonly shared!: boolean;
}
const user = defineConfigSection(
  'user',
  User,
  z.object({ USER_PATH: z.string().default('/me'), USER_LIMIT: envInt(5, 1, 10), USER_SHARED: z.enum(['on', 'off']).default('off') }),
  (v, _env, config) => ({ link: config.get(base).url + v.USER_PATH, limit: v.USER_LIMIT, shared: v.USER_SHARED === 'on' }),
  {
    reads: [base as ConfigSection<object>],
    checks: [(value, config) => (value.link.startsWith('https:') || config.get(base).url === 'http://base' ? [] : ['USER_PATH: must lead to an https URL'])],
    needs: (value) => (value.shared ? [{ section: shared as ConfigSection<object>, by: 'USER_SHARED=on', essential: true }] : []),
  },
);

const problemsOf = (env: Record<string, string>, sections: ReadonlyArray<ConfigSection<object>>) => {
  try {
    loadConfig(env, sections);
    return [];
  } catch (error) {
    return (error as ConfigValidationError).problems;
  }
};

describe('config sections that read each other', () => {
  it('a section reads another one’s validated value, which is loaded with it (and registered) without being listed', () => {
    const config = loadConfig({ BASE_URL: 'https://app', USER_PATH: '/x' }, [user]);
    expect(config.get(user).link).toBe('https://app/x');
    expect(config.sections.map((s) => s.name)).toEqual(['base', 'user']);
  });

  it('reports the problems of a section it reads along with its own, all at once', () => {
    const broken = defineConfigSection('base', Base, z.object({ BASE_URL: z.string().url() }), (v) => ({ url: v.BASE_URL }));
    const reader = defineConfigSection('reader', User, z.object({ USER_LIMIT: envInt(5, 1, 10) }), (v, _e, c) => ({ link: c.get(broken).url, limit: v.USER_LIMIT, shared: false }), {
      reads: [broken as ConfigSection<object>],
    });
    expect(problemsOf({ BASE_URL: 'nope', USER_LIMIT: '99' }, [reader])).toEqual([expect.stringMatching(/^BASE_URL: /), 'USER_LIMIT: must be an integer from 1 to 10 (got "99")']);
  });

  it('refuses to read a section it did not declare', () => {
    const sneaky = defineConfigSection('sneaky', Base, z.object({}), (_v, _e, c) => ({ url: c.get(base).url }));
    expect(() => loadConfig({}, [sneaky])).toThrow(/reads "base" without declaring it/);
  });

  it('checks spanning sections run in loadConfig; parse runs a section’s own rules only', () => {
    expect(problemsOf({ BASE_URL: 'http://other', USER_PATH: '/x' }, [user])).toEqual(['USER_PATH: must lead to an https URL']);
    expect(user.parse({ BASE_URL: 'http://other' })).toEqual({ ok: false, problems: ['USER_PATH: must lead to an https URL'] });
    expect(base.parse({ BASE_URL: 'http://other' })).toEqual({ ok: true, value: { url: 'http://other' } });
  });

  it('a needed section learns who needs it, and names what is missing for them', () => {
    expect(loadConfig({}, [shared, user]).get(shared).usedBy).toEqual([]);
    expect(loadConfig({ USER_SHARED: 'on', SHARED_HOST: 'h' }, [user]).get(shared).usedBy).toEqual(['USER_SHARED=on']);
    expect(problemsOf({ USER_SHARED: 'on' }, [user, shared])).toEqual(['SHARED_HOST: is required when USER_SHARED=on']);
    // The needer's own parse is not failed by what the needed section lacks.
    expect(user.parse({ USER_SHARED: 'on' }).ok).toBe(true);
  });
});
