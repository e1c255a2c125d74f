import { z } from 'zod';
import { deriveRoutePolicy, parseRoutePolicy, routePolicyShape } from './route-policy.js';

describe('route policy', () => {
  it('parses none, user and role:<name>, and nothing else', () => {
    expect(parseRoutePolicy('none')).toEqual({ kind: 'none' });
    expect(parseRoutePolicy('user')).toEqual({ kind: 'user' });
    expect(parseRoutePolicy('role:codes.admin')).toEqual({ kind: 'role', role: 'codes.admin' });
    for (const bad of ['', 'role:', 'role:a b', 'admin', 'User']) expect(parseRoutePolicy(bad)).toBeUndefined();
  });

  it('routes without a decorator stay public by default; only public or user are accepted', () => {
    const schema = z.object(routePolicyShape);
    expect(deriveRoutePolicy(schema.parse({}))).toEqual({ defaultPolicy: 'public' });
    expect(deriveRoutePolicy(schema.parse({ AUTH_DEFAULT_POLICY: 'user' }))).toEqual({ defaultPolicy: 'user' });
    expect(schema.safeParse({ AUTH_DEFAULT_POLICY: 'none' }).success).toBe(false);
  });
});
