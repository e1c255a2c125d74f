import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { AppError } from './app-error.js';

export interface ErrorBody {
  error: string;
  message: string;
}

/**
 * The one place errors become HTTP answers: `{error, message}` JSON with the error's status.
 * Unknown errors are logged with their stack and answered with a generic 500 body, in every mode.
 */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body, headers } = this.toAnswer(exception);
    if (response.headersSent) {
      response.end();
      return;
    }
    for (const [name, value] of Object.entries(headers ?? {})) response.setHeader(name, value);
    response.status(status).json(body);
  }

  private toAnswer(exception: unknown): { status: number; body: ErrorBody; headers?: Record<string, string> } {
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

/** 404 → NOT_FOUND, 429 → TOO_MANY_REQUESTS, … (from Node's status texts). */
export function errorCodeFor(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  return name ?? `HTTP_${status}`;
}
