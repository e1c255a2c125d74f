import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError, type ErrorBody } from './app-error.js';
import type { PageError } from './views/error.page.js';

export type { ErrorBody };

interface Answer {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
}

/**
 * The one place errors become HTTP answers, the same mapping for every route: the error's status,
 * code and message. API routes answer `{error, message}` JSON; page routes (`@HtmlPage()`, see
 * PageExceptionFilter) answer their error view. Unknown errors are logged with their stack and
 * answered with a generic 500, in every mode.
 */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const answer = this.toAnswer(exception);
    if (response.headersSent) {
      response.end();
      return;
    }
    for (const [name, value] of Object.entries(answer.headers ?? {})) response.setHeader(name, value);
    this.send(answer, exception, host, response);
  }

  protected send(answer: Answer, _exception: unknown, _host: ArgumentsHost, response: Response): void {
    response.status(answer.status).json(answer.body);
  }

  private toAnswer(exception: unknown): Answer {
    if (exception instanceof AppError) {
      const log = exception.status >= 500 ? 'warn' : 'debug';
      this.logger[log](`${exception.code}: ${exception.message}${causeSuffix(exception)}`);
      return { status: exception.status, body: { error: exception.code, message: exception.message }, headers: exception.headers };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return { status, body: { error: errorCodeFor(status), message: messageOf(exception) } };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: { error: 'INTERNAL_ERROR', message: 'Something went wrong on our side.' },
    };
  }
}

function causeSuffix(error: AppError): string {
  const reason = (error as { reason?: unknown }).reason;
  return typeof reason === 'string' ? ` (${reason})` : '';
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/** An HTML page's error view: the answer as a page (the request and response carry what the page shows). */
export type PageErrorView = (error: PageError, request: Request, response: Response) => string;

/**
 * The same answers for a page route, as HTML: its error view (or the plain error page), or a
 * redirect the error asks for on pages (to log in, when the session has ended). Route-scoped by
 * `@HtmlPage()`, so it also sees what guards and pipes throw.
 */
export class PageExceptionFilter extends AppExceptionFilter {
  constructor(private readonly view: PageErrorView) {
    super();
  }

  protected override send(answer: Answer, exception: unknown, host: ArgumentsHost, response: Response): void {
    const request = host.switchToHttp().getRequest<Request>();
    const redirect = exception instanceof AppError ? exception.pageRedirect(request) : undefined;
    if (redirect) {
      response.redirect(302, redirect);
      return;
    }
    const error: PageError = { status: answer.status, ...answer.body, headers: answer.headers ?? {} };
    response.setHeader('Cache-Control', 'no-store');
    response.status(answer.status).type('html').send(this.view(error, request, response));
  }
}

/** 404 → NOT_FOUND, 429 → TOO_MANY_REQUESTS, … (from Node's status texts). */
export function errorCodeFor(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  return name ?? `HTTP_${status}`;
}
