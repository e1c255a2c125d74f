import type { Response } from 'express';
import type { CookieChange } from './auth-cookies.js';
import { signingOutPage } from './auth.pages.js';
import type { LoginAnswer } from './login.service.js';

export function setCookies(res: Response, cookies: readonly CookieChange[]): void {
  for (const { name, value, options } of cookies) {
    if (value === undefined) res.clearCookie(name, options);
    else res.cookie(name, value, options);
  }
}

/** A login answer as HTTP: its cookies, then the redirect, or the signing-out page that moves on by itself. */
export function sendLoginAnswer(res: Response, answer: LoginAnswer): void {
  res.setHeader('Cache-Control', 'no-store');
  setCookies(res, answer.cookies);
  if (answer.redirect) res.redirect(302, answer.redirect);
  else res.status(200).type('html').send(signingOutPage(answer.continueTo ?? '/'));
}
