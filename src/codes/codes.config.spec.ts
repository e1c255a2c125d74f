import { codesConfigSection } from './codes.config.js';

describe('codes config (GETCODE_AUTH)', () => {
  it('defaults to none: getcode open, as in the sample', () => {
    const r = codesConfigSection.parse({});
    expect(r.ok && r.value.getcodeAuth).toEqual({ kind: 'none' });
  });

  it('parses user and role:<name>', () => {
    const u = codesConfigSection.parse({ AUTH_PROVIDER: 'dev', GETCODE_AUTH: 'user' });
    expect(u.ok && u.value.getcodeAuth).toEqual({ kind: 'user' });
    const r = codesConfigSection.parse({ AUTH_PROVIDER: 'keycloak', GETCODE_AUTH: 'role:codes-reader' });
    expect(r.ok && r.value.getcodeAuth).toEqual({ kind: 'role', role: 'codes-reader' });
  });

  it('refuses a malformed policy and a protected getcode without sign-in, naming the variable', () => {
    const bad = codesConfigSection.parse({ AUTH_PROVIDER: 'dev', GETCODE_AUTH: 'role:' });
    expect(!bad.ok && bad.problems.join()).toContain('GETCODE_AUTH: must be none, user or role:<name>');
    const g = codesConfigSection.parse({ GETCODE_AUTH: 'user' });
    expect(!g.ok && g.problems.join()).toContain('GETCODE_AUTH: needs AUTH_PROVIDER');
  });

  it('unset, follows AUTH_DEFAULT_POLICY when sign-in is on: deny-by-default protects codes too', () => {
    const deny = codesConfigSection.parse({ AUTH_PROVIDER: 'dev', AUTH_DEFAULT_POLICY: 'user' });
    expect(deny.ok && deny.value.getcodeAuth).toEqual({ kind: 'user' });
    const open = codesConfigSection.parse({ AUTH_PROVIDER: 'dev', AUTH_DEFAULT_POLICY: 'public' });
    expect(open.ok && open.value.getcodeAuth).toEqual({ kind: 'none' });
    // An explicit value wins; without sign-in there is no one to require.
    const explicit = codesConfigSection.parse({ AUTH_PROVIDER: 'dev', AUTH_DEFAULT_POLICY: 'user', GETCODE_AUTH: 'none' });
    expect(explicit.ok && explicit.value.getcodeAuth).toEqual({ kind: 'none' });
    const noSignIn = codesConfigSection.parse({ AUTH_DEFAULT_POLICY: 'user' });
    expect(noSignIn.ok && noSignIn.value.getcodeAuth).toEqual({ kind: 'none' });
  });
});
