import { z } from 'zod';
import { defineConfigSection } from '../../config/config-section.js';
import { runtimeConfigSection } from '../../config/runtime.config.js';
import { csvList } from '../oidc/oidc.config.js';
import { type AllowedHost, RedirectTargets, parseAllowedHosts } from './redirect-targets.js';

/**
 * The forward-auth decision (/auth/verify for nginx auth_request, Traefik ForwardAuth, Envoy
 * ext_authz) and the proxies' login entry point (/auth/start?rd=): where a login may return to,
 * and the audiences /auth/verify may mint tokens for.
 */
export class ForwardAuthConfig {
  /** AUTH_REDIRECT_ALLOWED_HOSTS: hosts besides this app's own origin a login may return to. */
  readonly redirectAllowedHosts!: readonly AllowedHost[];
  /** AUTH_VERIFY_AUDIENCES: the `?audience=` values /auth/verify exchanges tokens for (none: `?audience` is refused). */
  readonly verifyAudiences!: readonly string[];
  /** The app's public base URL (the runtime section's). */
  readonly publicBaseUrl!: string;
  /** The allowed return targets: this origin and the allowed hosts. */
  readonly redirectTargets!: RedirectTargets;
}

const variables = z.object({
  AUTH_REDIRECT_ALLOWED_HOSTS: z.string().default(''),
  AUTH_VERIFY_AUDIENCES: z.string().default(''),
});

export const forwardAuthConfigSection = defineConfigSection(
  'forwardAuth',
  ForwardAuthConfig,
  variables,
  (v, _env, config) => {
    const redirectAllowedHosts = parseAllowedHosts(csvList(v.AUTH_REDIRECT_ALLOWED_HOSTS)).hosts;
    const publicBaseUrl = config.get(runtimeConfigSection).publicBaseUrl;
    return {
      redirectAllowedHosts,
      verifyAudiences: csvList(v.AUTH_VERIFY_AUDIENCES),
      publicBaseUrl,
      redirectTargets: new RedirectTargets(publicBaseUrl, redirectAllowedHosts),
    };
  },
  {
    reads: [runtimeConfigSection],
    checks: [
      (_forwardAuth, _config, v) =>
        parseAllowedHosts(csvList(v.AUTH_REDIRECT_ALLOWED_HOSTS)).problems.map((problem) => `AUTH_REDIRECT_ALLOWED_HOSTS: ${problem}`),
      (_forwardAuth, _config, v) =>
        csvList(v.AUTH_VERIFY_AUDIENCES)
          .filter((audience) => !/^[\w.:/~-]{1,200}$/.test(audience))
          .map((audience) => `AUTH_VERIFY_AUDIENCES: "${audience}" is not an audience (letters, digits and . : / ~ _ -)`),
    ],
  },
);
