import { productPageConfigSection } from './product-page.config.js';

describe('product page config', () => {
  it('on when both services are set, with their audiences (details-api, reviews-api by default)', () => {
    const r = productPageConfigSection.parse({ DETAILS_API_URL: 'http://details:9080', REVIEWS_API_URL: 'http://reviews:9080' });
    expect(r.ok && r.value).toEqual({ enabled: true, detailsUrl: 'http://details:9080', detailsAudience: 'details-api', reviewsUrl: 'http://reviews:9080', reviewsAudience: 'reviews-api' });
    const off = productPageConfigSection.parse({});
    expect(off.ok && off.value.enabled).toBe(false);
  });

  it('one without the other stops start-up, naming the missing variable', () => {
    const r = productPageConfigSection.parse({ DETAILS_API_URL: 'http://details:9080' });
    expect(r.ok ? [] : r.problems).toEqual(['REVIEWS_API_URL: the product page calls both services: set DETAILS_API_URL and REVIEWS_API_URL, or neither']);
  });
});
