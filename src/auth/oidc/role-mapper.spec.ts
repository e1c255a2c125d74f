import { ClaimPathRoleMapper, EntraRoleMapper, KeycloakRoleMapper, claimAt, createRoleMapper } from './role-mapper.js';

describe('role mapping strategies', () => {
  it('maps each AUTH_ROLE_MAPPING value to its strategy', () => {
    const base = { resourceClient: 'app', rolesClaim: 'roles' };
    expect(createRoleMapper({ ...base, roleMapping: 'keycloak' })).toBeInstanceOf(KeycloakRoleMapper);
    expect(createRoleMapper({ ...base, roleMapping: 'entra' })).toBeInstanceOf(EntraRoleMapper);
    expect(createRoleMapper({ ...base, roleMapping: 'claim' })).toBeInstanceOf(ClaimPathRoleMapper);
  });

  it('Keycloak: realm roles plus this client’s roles only, deduplicated', () => {
    const roles = new KeycloakRoleMapper('app').roles({
      realm_access: { roles: ['user', 'admin'] },
      resource_access: { app: { roles: ['admin', 'codes-reader'] }, other: { roles: ['root'] } },
    });
    expect(roles).toEqual(['user', 'admin', 'codes-reader']);
    expect(new KeycloakRoleMapper('app').roles({})).toEqual([]);
  });

  it('Entra: app roles and groups; an overage is counted, not ignored', () => {
    const mapper = new EntraRoleMapper();
    expect(mapper.roles({ roles: ['Codes.Read'], groups: ['g1'] })).toEqual(['Codes.Read', 'g1']);
    expect(mapper.overages).toBe(0);
    expect(mapper.roles({ roles: ['Codes.Read'], _claim_names: { groups: 'src1' } })).toEqual(['Codes.Read']);
    expect(mapper.roles({ hasgroups: true })).toEqual([]);
    expect(mapper.overages).toBe(2);
  });

  it('generic claim path: nested arrays, space/comma strings, URL-like keys', () => {
    expect(new ClaimPathRoleMapper('app.permissions').roles({ app: { permissions: ['read', 'write'] } })).toEqual(['read', 'write']);
    expect(new ClaimPathRoleMapper('scope').roles({ scope: 'openid read, write' })).toEqual(['openid', 'read', 'write']);
    expect(new ClaimPathRoleMapper('https://example.com/roles').roles({ 'https://example.com/roles': ['x'] })).toEqual(['x']);
    expect(new ClaimPathRoleMapper('missing.path').roles({ missing: 3 })).toEqual([]);
    expect(claimAt({ a: { b: null } }, 'a.b.c')).toBeUndefined();
  });
});
