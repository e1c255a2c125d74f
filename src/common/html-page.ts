import { applyDecorators, Header, UseFilters } from '@nestjs/common';
import { type PageErrorView, PageExceptionFilter } from './app-exception.filter.js';
import { errorPage } from './views/error.page.js';

/**
 * An HTML page: answered as HTML, never cached, and its errors shown as a page (its own `errorView`,
 * or the plain error page) instead of JSON, through the same mapping as every other route.
 */
export const HtmlPage = (errorView: PageErrorView = errorPage) =>
  applyDecorators(
    Header('Content-Type', 'text/html; charset=utf-8'),
    Header('Cache-Control', 'no-store'),
    UseFilters(new PageExceptionFilter(errorView)),
  );
