import { html } from '../common/views/html.js';
import type { CodeNotice } from './code-delivery.js';

/** `12345678` → `1234 5678`: easier to read off a phone; typed with or without the space. */
export function spacedCode(code: string): string {
  return /^\d{8}$/.test(code) ? `${code.slice(0, 4)} ${code.slice(4)}` : code;
}

function expiryText(notice: CodeNotice, now: Date): string {
  const minutes = Math.max(1, Math.round((notice.expiresAt.getTime() - now.getTime()) / 60_000));
  const at = notice.expiresAt.toISOString().slice(11, 16);
  return `It expires at ${at} UTC, in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

const IGNORE = 'If you did not ask for this code, ignore this message: nobody can sign in with the code alone.';

/** The mail: the app's name, the code, when it expires, and what to do if you did not ask for it. */
export function codeMail(appName: string, notice: CodeNotice, now: Date): { subject: string; text: string; html: string } {
  const code = spacedCode(notice.code);
  const expiry = expiryText(notice, now);
  return {
    subject: `Your ${appName} sign-in code`,
    text: `Your ${appName} sign-in code is:\n\n    ${code}\n\n${expiry}\n\n${IGNORE}\n`,
    html: html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Your ${appName} sign-in code</title></head>
<body>
<p>Your ${appName} sign-in code is:</p>
<p style="font-size:1.6em;font-family:monospace;letter-spacing:0.15em"><strong>${code}</strong></p>
<p>${expiry}</p>
<p>${IGNORE}</p>
</body></html>
`.markup,
  };
}

/** The SMS: short, with the same four facts. */
export function codeSms(appName: string, notice: CodeNotice, now: Date): string {
  return `${appName} sign-in code: ${spacedCode(notice.code)}. ${expiryText(notice, now)} If you did not ask for it, ignore this message.`;
}
