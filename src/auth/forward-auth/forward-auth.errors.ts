import { AppError } from '../../common/app-error.js';

/** A proxy's question /auth/verify cannot answer (an audience AUTH_VERIFY_AUDIENCES does not list): its configuration is wrong. */
export class InvalidForwardAuthRequestError extends AppError {
  constructor(readonly reason: string) {
    super('INVALID_FORWARD_AUTH_REQUEST', 'The proxy asked for something this service does not offer.', 400);
  }
}

/** The user has none of the roles `?allowed_roles` names. */
export class NoAllowedRoleError extends AppError {
  constructor(roles: readonly string[]) {
    super('FORBIDDEN', `This needs one of the roles ${roles.map((r) => `"${r}"`).join(', ')}.`, 403);
  }
}

/**
 * `?second_factor=1` and no fresh second factor: 401, naming the step-up page (X-Auth-Step-Up) for
 * browsers and answering Bearer callers as RFC 9470 says.
 */
export class SecondFactorRequiredError extends AppError {
  constructor(readonly stepUpUrl: string, maxAgeSeconds: number) {
    super('SECOND_FACTOR_REQUIRED', 'A second factor is needed for this page.', 401, {
      headers: {
        [STEP_UP_HEADER]: stepUpUrl,
        'WWW-Authenticate': `Bearer error="insufficient_user_authentication", error_description="A second factor is required", max_age=${maxAgeSeconds}`,
      },
    });
  }
}

/** The header naming the step-up page on a 401 of `?second_factor=1` (nginx: `auth_request_set $step_up $upstream_http_x_auth_step_up`). */
export const STEP_UP_HEADER = 'X-Auth-Step-Up';

/** `/auth/start?rd=` naming a place this app may not send a browser to. */
export class ReturnTargetRefusedError extends AppError {
  constructor() {
    super('REDIRECT_NOT_ALLOWED', 'This sign-in link returns to an address this site does not allow (AUTH_REDIRECT_ALLOWED_HOSTS).', 400);
  }
}

/** A front-channel logout request without a `sid`, or naming another issuer. */
export class FrontchannelLogoutInvalidError extends AppError {
  constructor(readonly reason: string) {
    super('INVALID_LOGOUT_REQUEST', 'The logout request is not valid.', 400);
  }
}
