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
}

describe('AuthGuard', () => {
  const validate = jest.fn(async (token: string) => {
    if (token === 'good') return { sub: 'u1', claims: { roles: ['reader'] } };
    if (token === 'plain-user') return { sub: 'u2', claims: { roles: [] } };
    throw new InvalidBearerTokenError('bad');
  });
  const fromCookie = jest.fn(async () => undefined);

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
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
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
});
