import { z } from 'zod';
import { type ConfigReader, defineConfigSection, envInt } from '../../config/config-section.js';
import { oidcConfigSection } from '../../auth/oidc/oidc.config.js';

/** One of the product page's downstream services as a local stand-in (details, reviews). */
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

/** `<PREFIX>_STANDIN_HOST`, `_PORT`, `_AUDIENCE`. */
function variables(prefix: string, port: number, audience: string) {
  return z.object({
    [`${prefix}_STANDIN_HOST`]: z.string().default('127.0.0.1'),
    [`${prefix}_STANDIN_PORT`]: envInt(port, 0, 65535),
    [`${prefix}_STANDIN_AUDIENCE`]: z.string().regex(/^[\w.:/~-]{1,200}$/, 'must be an audience').default(audience),
  });
}

function build(prefix: string) {
  return (v: Record<string, unknown>, _env: unknown, config: ConfigReader): StandinServiceConfig => {
    const oidc = config.get(oidcConfigSection);
    return {
      host: String(v[`${prefix}_STANDIN_HOST`]),
      port: Number(v[`${prefix}_STANDIN_PORT`]),
      audience: String(v[`${prefix}_STANDIN_AUDIENCE`]),
      issuer: oidc.issuer,
      ...(oidc.endpoints.jwks_uri ? { jwksUrl: oidc.endpoints.jwks_uri } : {}),
    };
  };
}

const options = {
  reads: [oidcConfigSection],
  checks: [(standin: StandinServiceConfig) => (standin.issuer ? [] : ["OIDC_ISSUER_URL: the stand-in accepts tokens of the app's IdP: set AUTH_PROVIDER and its issuer"])],
};

/** `npm start`'s details service (http://127.0.0.1:7073/details/0), audience details-api. */
export const detailsStandinConfigSection = defineConfigSection('detailsStandin', StandinServiceConfig, variables('DETAILS', 7073, 'details-api'), build('DETAILS'), options);
/** `npm start`'s reviews service (http://127.0.0.1:7074/reviews/0), audience reviews-api. */
export const reviewsStandinConfigSection = defineConfigSection('reviewsStandin', StandinServiceConfig, variables('REVIEWS', 7074, 'reviews-api'), build('REVIEWS'), options);
