import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { AuthConfig } from '../auth.config.js';
import { AuthDisabledError, ForbiddenRoleError, NotAuthenticatedError } from '../auth.errors.js';
import { type AuthUser, type RequestWithUser, authUserFromClaims, sessionUser } from '../auth-user.js';
import { requestCookies } from '../request-cookies.js';
import { BearerTokenValidator } from '../bearer/bearer-token.validator.js';
import { RoleMapper } from '../oidc/role-mapper.js';
import { SessionsConfig } from '../sessions/sessions.config.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { AUTHENTICATED, IDENTIFY_CALLER, IS_PUBLIC, REQUIRED_ROLES, ROUTE_POLICY, type RoutePolicySource } from './auth.decorators.js';
import { type RoutePolicy, RoutePolicyConfig } from './route-policy.js';
import { Clock } from '../../common/clock.js';
import { SECOND_FACTOR, type SecondFactorRequirement } from '../step-up/require-second-factor.js';
import { secondFactorStatus } from '../step-up/second-factor-policy.js';
import { StepUpConfig } from '../step-up/step-up.config.js';
import { SecondFactorRequiredError } from '../step-up/step-up.errors.js';

/**
 * The global guard. With AUTH_PROVIDER=none every route stays open, as in the sample (routes only
 * for signed-in users, @Authenticated()/@Roles(), answer 404 AUTH_DISABLED). Otherwise
 * routes need a session cookie or a Bearer token unless public: @Public(), a configured policy
 * (@AuthPolicy(section, field)) of `none`, or undecorated with AUTH_DEFAULT_POLICY=public. Public
 * routes never look at credentials unless marked @IdentifyCaller(). @Roles() adds 403 for a
 * missing role, and @RequireSecondFactor() a recent second factor (a browser on a page is sent to
 * /auth/second-factor, other callers get 401 with the RFC 9470 challenge). Errors go to the
 * exception filter: 401/403 JSON, and on an @HtmlPage() an anonymous browser is sent to log in
 * (NotAuthenticatedError's page redirect).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  /** Configured policies per source (sections are frozen at boot, so one read each). */
  private readonly policies = new WeakMap<RoutePolicySource, RoutePolicy>();

  constructor(
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
    private readonly config: AuthConfig,
    private readonly sessionsConfig: SessionsConfig,
    private readonly routePolicy: RoutePolicyConfig,
    private readonly sessions: SessionsService,
    private readonly bearer: BearerTokenValidator,
    private readonly roleMapper: RoleMapper,
    private readonly stepUp: StepUpConfig,
    private readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (!this.config.enabled) {
      // Sign-in is off: routes stay open as in the sample, but a route that exists only for a
      // signed-in user has no one to serve (404, like /auth/login), rather than running without one.
      if (this.reflector.getAllAndOverride<boolean>(AUTHENTICATED, targets) === true || this.reflector.getAllAndOverride<string[]>(REQUIRED_ROLES, targets)?.length) {
        throw new AuthDisabledError();
      }
      return true;
    }
    const policy = this.policyFor(this.reflector.getAllAndOverride<RoutePolicySource | undefined>(ROUTE_POLICY, targets));
    const roles = [...(this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, targets) ?? [])];
    if (policy?.kind === 'role') roles.push(policy.role);
    const marked =
      policy !== undefined || roles.length > 0 || this.reflector.getAllAndOverride<boolean>(AUTHENTICATED, targets) === true;
    const isPublic =
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true ||
      policy?.kind === 'none' ||
      (!marked && this.routePolicy.defaultPolicy === 'public');
    const req = context.switchToHttp().getRequest<RequestWithUser>();

    if (isPublic && !roles.length) {
      // Credentials cost a JWT check, an introspection call or a session read: only for routes
      // that asked to know the caller (the home page shows the name), and never failing the request.
      if (this.reflector.getAllAndOverride<boolean>(IDENTIFY_CALLER, targets) === true) {
        req.user = await this.authenticate(req).catch(() => undefined);
      }
      return true;
    }
    const user = await this.authenticate(req);
    if (!user) throw new NotAuthenticatedError();
    req.user = user;
    const missing = roles.find((role) => !user.roles.includes(role));
    if (missing) throw new ForbiddenRoleError(missing);
    const secondFactor = this.reflector.getAllAndOverride<SecondFactorRequirement | undefined>(SECOND_FACTOR, targets);
    if (secondFactor) {
      const maxAge = secondFactor.maxAgeSeconds ?? this.stepUp.maxAgeSeconds;
      if (!secondFactorStatus(user, maxAge, this.stepUp.acrValues, this.clock.now()).satisfied) {
        throw new SecondFactorRequiredError(maxAge, this.stepUp.acrValues, user.via === 'session');
      }
    }
    return true;
  }

  private policyFor(source: RoutePolicySource | undefined): RoutePolicy | undefined {
    if (!source) return undefined;
    let policy = this.policies.get(source);
    if (!policy) {
      policy = source.select(this.moduleRef.get(source.config, { strict: false }));
      this.policies.set(source, policy);
    }
    return policy;
  }

  private async authenticate(req: RequestWithUser): Promise<AuthUser | undefined> {
    const header = req.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw new NotAuthenticatedError('Use Authorization: Bearer <token>.');
      const { sub, claims } = await this.bearer.validate(m[1]!);
      return authUserFromClaims({ ...claims, sub }, this.roleMapper.roles(claims), 'bearer', { accessToken: m[1]! });
    }
    const value = requestCookies(req)[this.sessionsConfig.cookieName];
    if (!value) return undefined;
    const session = await this.sessions.fromCookie(value);
    return session && sessionUser(session);
  }
}
