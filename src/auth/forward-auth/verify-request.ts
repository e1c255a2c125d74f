import type { IncomingHttpHeaders } from 'node:http';

/** What a proxy asks /auth/verify, read from its subrequest. */
export interface VerifyRequest {
  /** `allowed_roles=a,b`: the user needs at least one of them (403 otherwise). */
  readonly allowedRoles: readonly string[];
  /** `second_factor=1`: a fresh second factor is needed (401 naming the step-up page otherwise). */
  readonly secondFactor: boolean;
  /** `audience=<aud>`: answer with `Authorization: Bearer <a token issued for aud>`. */
  readonly audience?: string;
  /** The subrequest's Authorization header (the client's, which proxies pass on). */
  readonly authorization?: string;
  /** The session cookie's value. */
  readonly sessionCookie?: string;
  /** The request the proxy is deciding about, when its headers say (logs, metrics, where to come back after a login). */
  readonly original?: URL;
}

/**
 * Headers a proxy sets on its check request when options cannot travel in the query: Envoy's
 * ext_authz appends the client's own path (and query) to `path_prefix`, so a query there is the
 * client's, never the proxy's (`authorization_request.headers_to_add` sets these instead).
 */
export const OPTION_HEADERS = {
  allowedRoles: 'x-forward-auth-allowed-roles',
  secondFactor: 'x-forward-auth-second-factor',
  audience: 'x-forward-auth-audience',
} as const;

const TRUE = /^(1|true|yes)$/i;

/**
 * The options and the original request of a forward-auth subrequest:
 * - nginx `auth_request`: `X-Original-URI` (the recipe sets it) with Host and X-Forwarded-Proto;
 * - Traefik ForwardAuth: `X-Forwarded-Proto`, `-Host`, `-Uri`;
 * - ingress-nginx: `X-Original-URL` (absolute);
 * - Envoy ext_authz (HTTP): the client's path after `/auth/verify` (`envoyPath`), options from
 *   OPTION_HEADERS only.
 */
export function readVerifyRequest(
  query: Record<string, unknown>,
  headers: IncomingHttpHeaders,
  sessionCookie: string | undefined,
  envoyPath?: string,
): VerifyRequest {
  const fromHeaders = envoyPath !== undefined;
  const option = (name: keyof typeof OPTION_HEADERS, param: string) => (fromHeaders ? first(headers[OPTION_HEADERS[name]]) : first(query[param]));
  const roles = option('allowedRoles', 'allowed_roles');
  const audience = option('audience', 'audience');
  const original = originalUrl(headers, envoyPath);
  return {
    allowedRoles: (roles ?? '').split(',').map((r) => r.trim()).filter(Boolean),
    secondFactor: TRUE.test(option('secondFactor', 'second_factor') ?? ''),
    ...(audience ? { audience } : {}),
    ...(typeof headers.authorization === 'string' ? { authorization: headers.authorization } : {}),
    ...(sessionCookie ? { sessionCookie } : {}),
    ...(original ? { original } : {}),
  };
}

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** The absolute URL of the request the proxy asks about, when its headers name one (never trusted for more than logs, metrics and a checked return target). */
export function originalUrl(headers: IncomingHttpHeaders, envoyPath?: string): URL | undefined {
  const full = first(headers['x-original-url']);
  if (full && /^https?:\/\//i.test(full) && URL.canParse(full)) return new URL(full);
  const uri = first(headers['x-forwarded-uri']) ?? first(headers['x-original-uri']) ?? envoyPath;
  if (!uri?.startsWith('/') || uri.startsWith('//')) return undefined;
  const proto = (firstItem(headers['x-forwarded-proto']) ?? 'http').toLowerCase();
  const host = firstItem(headers['x-forwarded-host']) ?? first(headers.host);
  if (!['http', 'https'].includes(proto) || !host || !HOST.test(host)) return undefined;
  return URL.canParse(`${proto}://${host}${uri}`) ? new URL(`${proto}://${host}${uri}`) : undefined;
}

/** The first value of a header or parameter (a comma list's first item for forwarded headers), if it is text. */
function first(value: unknown): string | undefined {
  const one = Array.isArray(value) ? value[0] : value;
  if (typeof one !== 'string' || one === '') return undefined;
  return one;
}

/** The first hop of an X-Forwarded-* list (`a, b`: what the first proxy saw). */
function firstItem(value: unknown): string | undefined {
  return first(value)?.split(',')[0]!.trim() || undefined;
}
