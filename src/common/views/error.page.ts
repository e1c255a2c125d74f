import type { ErrorBody } from '../app-error.js';
import { html } from './html.js';
import { page } from './page.js';

/** What an error view is given: the answer the filter chose (status, code, message, headers). */
export interface PageError extends ErrorBody {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
}

/** The error page of an HTML route that has no view of its own. */
export function errorPage(error: PageError): string {
  return page(
    'Something went wrong',
    html`<h1>Something went wrong</h1>
<p id="error-message">${error.message}</p>
<p><a href="/">Home</a></p>`,
  );
}
