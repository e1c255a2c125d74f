import { z } from 'zod';
import { defineConfigSection, envInt } from '../../config/config-section.js';
import { oidcConfigSection } from '../../auth/oidc/oidc.config.js';

/** One of seed 003's downstream services as a local stand-in (details, reviews). */
export class StandinServiceConfig {
  readonly host!: string;
  readonly port!: number;
  /** The one `aud` its Bearer tokens must carry. */
  readonly audience!: string;
  /** The IdP whose tokens it accepts: the app's own (OIDC_ISSUER_URL or the provider preset). */
  readonly issuer!: string;
  /** Where its keys are, when not discovered from the issuer (the app's OIDC_JWKS_URL). */
  readonly jwksUrl?: string;
}

function standinSection(service: 'details' | 'reviews', port: number) {
  const prefix = service.toUpperCase();
  return defineConfigSection(
    `${service}Standin`,
    StandinServiceConfig,
    z.object({
      [`${prefix}_STANDIN_HOST`]: z.string().default('127.0.0.1'),
      [`${prefix}_STANDIN_PORT`]: envInt(port, 0, 65535),
      [`${prefix}_STANDIN_AUDIENCE`]: z.string().regex(/^[\w.:/~-]{1,200}$/, 'must be an audience').default(`${service}-api`),
    }),
    (v, _env, config) => {
      const oidc = config.get(oidcConfigSection);
      const vars = v as Record<string, string | number>;
      return {
        host: String(vars[`${prefix}_STANDIN_HOST`]),
        port: Number(vars[`${prefix}_STANDIN_PORT`]),
        audience: String(vars[`${prefix}_STANDIN_AUDIENCE`]),
        issuer: oidc.issuer,
        ...(oidc.endpoints.jwks_uri ? { jwksUrl: oidc.endpoints.jwks_uri } : {}),
      };
    },
    {
      reads: [oidcConfigSection],
      checks: [(standin) => (standin.issuer ? [] : ['OIDC_ISSUER_URL: the stand-in accepts tokens of the app\'s IdP: set AUTH_PROVIDER and its issuer'])],
    },
  );
}

/** `npm start`'s details service (http://127.0.0.1:7073/details/0), audience details-api. */
export const detailsStandinConfigSection = standinSection('details', 7073);
/** `npm start`'s reviews service (http://127.0.0.1:7074/reviews/0), audience reviews-api. */
export const reviewsStandinConfigSection = standinSection('reviews', 7074);
