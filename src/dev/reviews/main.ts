import { reviewsStandinConfigSection } from '../standin-service/standin-service.config.js';
import { runStandin } from '../standin-service/run-standin.js';

/** Seed 003's reviews service, locally: the book's reviews, for a Bearer token issued for reviews-api only. */
runStandin('reviews', reviewsStandinConfigSection, (id) => ({
  id,
  reviews: [
    { reviewer: 'Reviewer1', text: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!' },
    { reviewer: 'Reviewer2', text: 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.' },
  ],
}));
