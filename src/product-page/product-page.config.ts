import { z } from 'zod';
import { defineConfigSection, optionalUrl } from '../config/config-section.js';

/**
 * Seed 003's product page: the details and reviews services it calls as the user, each with its
 * own audience (a token is exchanged for each; the user's own never leaves this API). On when both
 * URLs are set.
 */
export class ProductPageConfig {
  readonly enabled!: boolean;
  readonly detailsUrl?: string;
  readonly detailsAudience!: string;
  readonly reviewsUrl?: string;
  readonly reviewsAudience!: string;
}

const audience = (fallback: string) => z.string().regex(/^[\w.:/~-]{1,200}$/, 'must be an audience (letters, digits and . : / ~ _ -)').default(fallback);

export const productPageConfigSection = defineConfigSection(
  'productPage',
  ProductPageConfig,
  z.object({
    DETAILS_API_URL: optionalUrl(),
    DETAILS_API_AUDIENCE: audience('details-api'),
    REVIEWS_API_URL: optionalUrl(),
    REVIEWS_API_AUDIENCE: audience('reviews-api'),
  }),
  (v) => ({
    enabled: v.DETAILS_API_URL !== undefined && v.REVIEWS_API_URL !== undefined,
    detailsUrl: v.DETAILS_API_URL,
    detailsAudience: v.DETAILS_API_AUDIENCE,
    reviewsUrl: v.REVIEWS_API_URL,
    reviewsAudience: v.REVIEWS_API_AUDIENCE,
  }),
  {
    checks: [
      (page) =>
        (page.detailsUrl === undefined) !== (page.reviewsUrl === undefined)
          ? [`${page.detailsUrl === undefined ? 'DETAILS_API_URL' : 'REVIEWS_API_URL'}: the product page calls both services: set DETAILS_API_URL and REVIEWS_API_URL, or neither`]
          : [],
    ],
  },
);
