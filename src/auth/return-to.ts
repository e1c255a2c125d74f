/** Longest return path kept, percent-encoded: the login cookie that carries it stays far under 4 KB. */
export const RETURN_TO_MAX_LENGTH = 1024;

/**
 * Where to go after login: a path on the app's own origin, or `/`.
 *
 * The value is checked the way the browser will read the `Location` header we send: resolved by
 * the WHATWG URL parser (which drops tabs and newlines and reads `\` as `/`) against the public
 * base URL, and the origin compared. The answer is the normalised path, re-checked after
 * normalisation, because dot segments can turn `/.//evil.example` or `/a/..//evil.example` into
 * a protocol-relative `//evil.example` that a browser sends to another host.
 */
export function safeReturnTo(value: unknown, publicBaseUrl: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2 * RETURN_TO_MAX_LENGTH) return '/';
  // Only a path: no scheme, no authority (a browser strips leading C0/space and reads `\` as `/`).
  if (!value.startsWith('/') || /^[/\\]{2}/.test(value) || /[\u0000-\u001f\u007f]/.test(value)) return '/';
  const base = new URL(publicBaseUrl);
  let resolved: URL;
  try {
    resolved = new URL(value, base);
  } catch {
    return '/';
  }
  if (resolved.origin !== base.origin) return '/';
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  if (!isSameOriginPath(path, base) || path.length > RETURN_TO_MAX_LENGTH) return '/';
  return path;
}

/** True when `path`, sent as a `Location` from any page of the app, leads to the app's origin. */
function isSameOriginPath(path: string, base: URL): boolean {
  if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return false;
  if (/[\u0000-\u0020\u007f-\uffff]/.test(path)) return false; // the URL parser percent-encodes these
  try {
    return new URL(path, base).origin === base.origin && new URL(path, new URL('/auth/callback', base)).origin === base.origin;
  } catch {
    return false;
  }
}

/** Where to send a browser to log in and come back to `returnTo` (a path of this app). */
export function loginUrl(returnTo: string): string {
  return `/auth/login?returnTo=${encodeURIComponent(returnTo)}`;
}
