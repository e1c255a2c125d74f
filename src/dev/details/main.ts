import { detailsStandinConfigSection } from '../standin-service/standin-service.config.js';
import { runStandin } from '../standin-service/run-standin.js';

/** Seed 003's details service, locally: the book's details, for a Bearer token issued for details-api only. */
runStandin('details', detailsStandinConfigSection, (id) => ({
  id,
  author: 'William Shakespeare',
  year: 1595,
  type: 'paperback',
  pages: 200,
  publisher: 'PublisherA',
  language: 'English',
  'ISBN-10': '1234567890',
  'ISBN-13': '123-1234567890',
}));
