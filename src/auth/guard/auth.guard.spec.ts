import { jest } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthConfig } from '../auth.config.js';
import { RoutePolicyConfig, type RoutePolicy } from './route-policy.js';
import { AuthPolicy, CurrentUser, IdentifyCaller, Public } from './auth.decorators.js';
import { InvalidBearerTokenError } from '../auth.errors.js';
import type { AuthUser } from '../auth-user.js';
import { AuthGuard } from './auth.guard.js';
import { BearerTokenValidator } from '../bearer/bearer-token.validator.js';
import { RoleMapper } from '../oidc/role-mapper.js';
import { SessionsConfig } from '../sessions/sessions.config.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { AppExceptionFilter } from '../../common/app-exception.filter.js';
import { Clock } from '../../common/clock.js';
import { clockOf } from '../../../test/support/clock.js';
import { RequireSecondFactor } from '../step-up/require-second-factor.js';
import { StepUpConfig } from '../step-up/step-up.config.js';
import { cookieMiddleware } from '../request-cookies.js';

const NOW = Date.parse('2026-12-04T10:00:00Z');
const NOW_S = NOW / 1000;

/** A capability the guard has never heard of, with its own config section deciding a route's policy. */
class WidgetsConfig {
  constructor(readonly listPolicy: RoutePolicy) {}
}

@Controller('widgets')
class WidgetsController {
  @Get('configured')
  @AuthPolicy(WidgetsConfig, (c) => c.listPolicy)
  configured(@CurrentUser() user?: AuthUser) {
    return { user: user?.sub ?? null };
  }

  @Get('plain')
  @Public()
  plain(@CurrentUser() user?: AuthUser) {
    return { user: user?.sub ?? null };
  }

  @Get('identify')
  @Public()
  @IdentifyCaller()
  identify(@CurrentUser() user?: AuthUser) {
    return { user: user?.sub ?? null };
  }

  @Get('stepped')
  @RequireSecondFactor()
  stepped(@CurrentUser() user: AuthUser) {
    return { user: user.sub };
  }

  @Get('stepped-recently')
  @RequireSecondFactor(60)
  steppedRecently(@CurrentUser() user: AuthUser) {
    return { user: user.sub };
  }
}

describe('AuthGuard', () => {
  const validate = jest.fn(async (token: string) => {
    if (token === 'good') return { sub: 'u1', claims: { roles: ['reader'] } };
    if (token === 'plain-user') return { sub: 'u2', claims: { roles: [] } };
    // The IdP did its own step-up 5 minutes ago (acr listed in STEP_UP_ACR), or with amr mfa 20 minutes ago.
    if (token === 'idp-stepped') return { sub: 'u3', claims: { roles: [], acr: 'urn:example:loa:2', auth_time: NOW_S - 300 } };
    if (token === 'idp-stepped-long-ago') return { sub: 'u4', claims: { roles: [], amr: ['pwd', 'mfa'], auth_time: NOW_S - 1200 } };
    if (token === 'acr-without-auth-time') return { sub: 'u5', claims: { roles: [], acr: 'urn:example:loa:2' } };
    if (token === 'other-acr') return { sub: 'u6', claims: { roles: [], acr: '1', amr: ['pwd'], auth_time: NOW_S - 10 } };
    throw new InvalidBearerTokenError('bad');
  });
  const fromCookie = jest.fn(async (value: string): Promise<object | undefined> =>
    value === 'stepped-session'
      ? { id: 's1', sub: 'u7', name: 'S', roles: [], claims: {}, amr: ['pwd', 'otp'], secondFactorAt: NOW - 100_000 }
      : value === 'plain-session'
        ? { id: 's2', sub: 'u8', name: 'P', roles: [], claims: {}, amr: ['pwd'] }
        : undefined,
  );

  async function appWith(policy: RoutePolicy): Promise<INestApplication> {
    const config = Object.assign(Object.create(AuthConfig.prototype) as AuthConfig, { provider: 'oidc', cookieName: 'app_session', defaultPolicy: 'public' });
    const moduleRef = await Test.createTestingModule({
      controllers: [WidgetsController],
      providers: [
        { provide: AuthConfig, useValue: config },
        { provide: SessionsConfig, useValue: config },
        { provide: RoutePolicyConfig, useValue: config },
        { provide: WidgetsConfig, useValue: new WidgetsConfig(policy) },
        { provide: SessionsService, useValue: { fromCookie } },
        { provide: BearerTokenValidator, useValue: { validate } },
        { provide: RoleMapper, useValue: { roles: (c: Record<string, unknown>) => c.roles as string[] } },
        { provide: StepUpConfig, useValue: { maxAgeSeconds: 900, acrValues: ['urn:example:loa:2', 'mfa'] } },
        { provide: Clock, useValue: clockOf(() => NOW) },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    app.use(cookieMiddleware());
    app.useGlobalFilters(new AppExceptionFilter());
    await app.init();
    return app;
  }

  afterEach(() => {
    validate.mockClear();
    fromCookie.mockClear();
  });

  it('a route policy comes from the owning capability’s config section (the guard knows no route name)', async () => {
    const roleApp = await appWith({ kind: 'role', role: 'reader' });
    const server = roleApp.getHttpServer();
    expect((await request(server).get('/widgets/configured')).status).toBe(401);
    expect((await request(server).get('/widgets/configured').set('authorization', 'Bearer plain-user')).status).toBe(403);
    expect((await request(server).get('/widgets/configured').set('authorization', 'Bearer good')).body).toEqual({ user: 'u1' });
    await roleApp.close();
    const openApp = await appWith({ kind: 'none' });
    expect((await request(openApp.getHttpServer()).get('/widgets/configured')).body).toEqual({ user: null });
    await openApp.close();
  });

  it('@Public() never resolves credentials; @IdentifyCaller() does, and a bad token just means anonymous', async () => {
    const app = await appWith({ kind: 'none' });
    const server = app.getHttpServer();
    const plain = await request(server).get('/widgets/plain').set('authorization', 'Bearer good').set('cookie', 'app_session=x');
    expect(plain.body).toEqual({ user: null });
    expect(validate).not.toHaveBeenCalled();
    expect(fromCookie).not.toHaveBeenCalled();
    expect((await request(server).get('/widgets/identify').set('authorization', 'Bearer good')).body).toEqual({ user: 'u1' });
    const bad = await request(server).get('/widgets/identify').set('authorization', 'Bearer forged');
    expect([bad.status, bad.body]).toEqual([200, { user: null }]);
    expect(validate).toHaveBeenCalledTimes(2);
    await app.close();
  });

  it('@RequireSecondFactor(): the IdP’s step-up (STEP_UP_ACR in acr or amr, auth_time within the max age) or this app’s own second factor passes; anything else is 401 with the RFC 9470 challenge', async () => {
    const app = await appWith({ kind: 'none' });
    const server = app.getHttpServer();
    expect((await request(server).get('/widgets/stepped')).status).toBe(401);
    expect((await request(server).get('/widgets/stepped').set('authorization', 'Bearer idp-stepped')).body).toEqual({ user: 'u3' });
    expect((await request(server).get('/widgets/stepped').set('authorization', 'Bearer idp-stepped-long-ago')).status).toBe(401);
    expect((await request(server).get('/widgets/stepped').set('cookie', 'app_session=stepped-session')).body).toEqual({ user: 'u7' });
    for (const [token, path] of [
      ['plain-user', '/widgets/stepped'],
      ['acr-without-auth-time', '/widgets/stepped'],
      ['other-acr', '/widgets/stepped'],
      ['idp-stepped', '/widgets/stepped-recently'],
    ] as const) {
      const res = await request(server).get(path).set('authorization', `Bearer ${token}`);
      const maxAge = path.endsWith('recently') ? 60 : 900;
      expect({ token, status: res.status, body: res.body, challenge: res.headers['www-authenticate'] }).toEqual({
        token,
        status: 401,
        body: { error: 'SECOND_FACTOR_REQUIRED', message: `This needs a second factor done within the last ${maxAge} seconds.` },
        challenge: `Bearer error="insufficient_user_authentication", error_description="A second factor within the last ${maxAge} seconds is required", max_age=${maxAge}, acr_values="urn:example:loa:2 mfa"`,
      });
    }
    const session = await request(server).get('/widgets/stepped').set('cookie', 'app_session=plain-session');
    expect(session.status).toBe(401);
    expect((await request(server).get('/widgets/stepped-recently').set('cookie', 'app_session=stepped-session')).status).toBe(401);
    await app.close();
  });
});
