import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AuthConfig } from '../auth/auth.config.js';
import { Authenticated, CurrentUser, IdentifyCaller, LoginPage, Public } from '../auth/auth.decorators.js';
import type { AuthUser } from '../auth/auth-user.js';
import { escapeHtml } from '../common/html.js';

@ApiExcludeController()
@Controller()
export class HomeController {
  constructor(private readonly auth: AuthConfig) {}

  @Public()
  @IdentifyCaller()
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  home(@CurrentUser() user: AuthUser | undefined): string {
    return renderHomePage(this.auth.enabled ? { user } : undefined);
  }

  /** A page only signed-in users see: anonymous browsers are sent to log in and back. */
  @Authenticated()
  @LoginPage()
  @Get('profile')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  profile(@CurrentUser() user: AuthUser): string {
    return page(
      'Your profile',
      `<h1>Your profile</h1>
<p id="profile-name">${escapeHtml(user.name)}</p>
<dl><dt>Subject</dt><dd>${escapeHtml(user.sub)}</dd><dt>Email</dt><dd>${escapeHtml(user.email ?? '')}</dd>
<dt>Roles</dt><dd id="profile-roles">${escapeHtml(user.roles.join(', '))}</dd></dl>
<p><a href="/">Home</a></p>
${logoutForm('/auth/logout')}`,
    );
  }
}

/** `auth` is undefined when sign-in is off (AUTH_PROVIDER=none): no login bar at all. */
export function renderHomePage(auth?: { user?: AuthUser }): string {
  const bar = !auth
    ? ''
    : auth.user
      ? `<nav><span id="user-name">${escapeHtml(auth.user.name)}</span> · <a href="./profile">Profile</a> ${logoutForm('./auth/logout')}</nav>`
      : `<nav><a id="login" href="./auth/login">Log in</a></nav>`;
  return page(
    'Integrated auth service',
    `${bar}
<h1>Home page of the main app</h1>
<p>Make a request to <a href="./api/v1/getcode">/api/v1/getcode</a>.</p>
<p>API documentation: <a href="./docs">/docs</a>.</p>`,
  );
}

/** Logout changes state: a POST from this page (checked same-origin), never a link another site could follow. */
function logoutForm(action: string): string {
  return `<form method="post" action="${action}"><button id="logout" type="submit">Log out</button></form>`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
