import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SessionEndedError } from './auth.errors.js';

/**
 * For pages that call downstream services (`@UseFilters(SessionEndedFilter)`): when downstream
 * rejected the user's token, a browser is sent to log in again and come back; an API caller gets
 * the 401 JSON body. Method-scoped, so it runs before the global filter.
 */
@Catch(SessionEndedError)
export class SessionEndedFilter implements ExceptionFilter {
  catch(error: SessionEndedError, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (req.method === 'GET' && req.accepts(['json', 'html']) === 'html') {
      res.redirect(302, `/auth/login?returnTo=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    for (const [name, value] of Object.entries(error.headers ?? {})) res.setHeader(name, value);
    res.status(error.status).json({ error: error.code, message: error.message });
  }
}
