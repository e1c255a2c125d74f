import { parseRoutePolicy, routePolicyConfigSection } from './route-policy.js';

describe('route policy', () => {
  it('parses none, user and role:<name>, and nothing else', () => {
    expect(parseRoutePolicy('none')).toEqual({ kind: 'none' });
    expect(parseRoutePolicy('user')).toEqual({ kind: 'user' });
    expect(parseRoutePolicy('role:codes.admin')).toEqual({ kind: 'role', role: 'codes.admin' });
    for (const bad of ['', 'role:', 'role:a b', 'admin', 'User']) expect(parseRoutePolicy(bad)).toBeUndefined();
  });

  it('routes without a decorator stay public by default; only public or user are accepted', () => {
    const policy = (env: Record<string, string>) => routePolicyConfigSection.parse(env);
    expect(policy({})).toEqual({ ok: true, value: { defaultPolicy: 'public' } });
    expect(policy({ AUTH_DEFAULT_POLICY: 'user' })).toEqual({ ok: true, value: { defaultPolicy: 'user' } });
    expect(policy({ AUTH_DEFAULT_POLICY: 'none' }).ok).toBe(false);
  });
});
