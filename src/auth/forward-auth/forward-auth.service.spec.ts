import { ManualClock } from '../../../test/support/clock.js';
import type { RuntimeConfig } from '../../config/runtime.config.js';
import { NotAuthenticatedError } from '../auth.errors.js';
import type { BearerTokenValidator } from '../bearer/bearer-token.validator.js';
import type { ExchangedTokens } from '../downstream/exchanged-tokens.js';
import type { RoleMapper } from '../oidc/role-mapper.js';
import type { StoredSession } from '../sessions/session-store.js';
import type { SessionsService } from '../sessions/sessions.service.js';
import { forwardAuthConfigSection } from './forward-auth.config.js';
import { InvalidForwardAuthRequestError, NoAllowedRoleError, SecondFactorRequiredError } from './forward-auth.errors.js';
import { ForwardAuthService, headerValue } from './forward-auth.service.js';
import { StepUpSecondFactorStatus } from '../step-up/step-up-second-factor-status.js';
import type { StepUpConfig } from '../step-up/step-up.config.js';

const session = (over: Partial<StoredSession> = {}): StoredSession =>
  ({ id: 's', sub: 'u-1', name: 'Zoë', email: 'zoe@example.com', roles: ['user'], claims: { preferred_username: 'zoë' }, accessToken: 'at', ...over }) as StoredSession;

function service(found: StoredSession | undefined, audiences = 'details-api') {
  const clock = new ManualClock(1_000_000);
  const r = forwardAuthConfigSection.parse({ PUBLIC_BASE_URL: 'https://app.example.com', AUTH_VERIFY_AUDIENCES: audiences, AUTH_REDIRECT_ALLOWED_HOSTS: 'svc.example.com' });
  if (!r.ok) throw new Error(r.problems.join());
  const reads: string[] = [];
  const sessions = { fromCookie: async (v: string) => (reads.push(v), found) } as unknown as SessionsService;
  const tokens = { tokenFor: async (_u: unknown, audience: string) => `token-for-${audience}` } as unknown as ExchangedTokens;
  const steps = new StepUpSecondFactorStatus({ maxAgeSeconds: 900, acrValues: ['gold'] } as unknown as StepUpConfig, { publicBaseUrl: 'https://app.example.com' } as RuntimeConfig, clock);
  return { reads, clock, forwardAuth: new ForwardAuthService(r.value, sessions, {} as BearerTokenValidator, { roles: () => [] } as unknown as RoleMapper, tokens, steps) };
}

const base = { allowedRoles: [], secondFactor: false, sessionCookie: 'sealed', original: new URL('https://svc.example.com/a?b=1') } as const;

describe('ForwardAuthService', () => {
  it('headers in oauth2-proxy’s names; anything beyond printable ASCII is percent-encoded, never sent raw', async () => {
    const { forwardAuth, reads } = service(session());
    expect(await forwardAuth.verify(base)).toEqual({
      'X-Auth-Request-User': 'u-1',
      'X-Auth-Request-Groups': 'user',
      'X-Auth-Request-Email': 'zoe@example.com',
      'X-Auth-Request-Preferred-Username': 'zo%C3%AB',
    });
    expect(reads).toEqual(['sealed']);
    expect(headerValue('a\r\nSet-Cookie: x')).toBe('a%0D%0ASet-Cookie%3A%20x');
  });

  it('no session: 401; none of the allowed roles: 403; an unlisted audience: 400 before the session is read', async () => {
    await expect(service(undefined).forwardAuth.verify(base)).rejects.toBeInstanceOf(NotAuthenticatedError);
    await expect(service(undefined).forwardAuth.verify({ ...base, sessionCookie: undefined })).rejects.toBeInstanceOf(NotAuthenticatedError);
    await expect(service(session()).forwardAuth.verify({ ...base, allowedRoles: ['admin', 'auditor'] })).rejects.toBeInstanceOf(NoAllowedRoleError);
    const unlisted = service(session());
    await expect(unlisted.forwardAuth.verify({ ...base, audience: 'payments-api' })).rejects.toBeInstanceOf(InvalidForwardAuthRequestError);
    expect(unlisted.reads).toEqual([]);
  });

  it('second_factor: refused without a fresh one, naming the step-up page back to the original URL', async () => {
    const { forwardAuth, clock } = service(session());
    const refusal = await forwardAuth.verify({ ...base, secondFactor: true }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(SecondFactorRequiredError);
    expect((refusal as SecondFactorRequiredError).stepUpUrl).toBe('https://app.example.com/auth/second-factor?returnTo=https%3A%2F%2Fsvc.example.com%2Fa%3Fb%3D1');
    // What /auth/second-factor records (otp in amr, the time), within STEP_UP_MAX_AGE_SECONDS.
    const fresh = service(session({ amr: ['pwd', 'otp'], secondFactorAt: clock.now() }));
    await expect(fresh.forwardAuth.verify({ ...base, secondFactor: true })).resolves.toHaveProperty('X-Auth-Request-User', 'u-1');
    const stale = service(session({ amr: ['pwd', 'otp'], secondFactorAt: clock.now() - 901_000 }));
    await expect(stale.forwardAuth.verify({ ...base, secondFactor: true })).rejects.toBeInstanceOf(SecondFactorRequiredError);
    // The same rule as @RequireSecondFactor(): an IdP step-up (STEP_UP_ACR, recent auth_time) counts too.
    const idp = service(session({ acr: 'gold', amr: ['pwd'], authTime: Math.floor(clock.now() / 1000) - 60 }));
    await expect(idp.forwardAuth.verify({ ...base, secondFactor: true })).resolves.toHaveProperty('X-Auth-Request-User', 'u-1');
  });

  it('audience: the token for it as Authorization', async () => {
    expect((await service(session()).forwardAuth.verify({ ...base, audience: 'details-api' })).Authorization).toBe('Bearer token-for-details-api');
  });
});
