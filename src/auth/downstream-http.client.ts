import { Injectable, Logger } from '@nestjs/common';
import type { RequestWithUser } from './auth-user.js';
import { SessionEndedError } from './auth.errors.js';
import { SessionsService } from './sessions/sessions.service.js';

/** Tracing headers passed on unchanged (W3C trace context, request id, Zipkin B3 as in seed 003). */
export const FORWARDED_TRACE_HEADERS = [
  'traceparent',
  'tracestate',
  'x-request-id',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
  'b3',
] as const;

/**
 * Calls downstream services as the signed-in user: forwards the user's access token and the
 * incoming request's tracing headers. A 401 from downstream means the token is no longer accepted:
 * the session is ended and SessionEndedError (401) thrown, which an @HtmlPage() route turns into a
 * redirect to log in and an API route answers as 401 JSON.
 */
@Injectable()
export class DownstreamHttpClient {
  private readonly logger = new Logger(DownstreamHttpClient.name);

  constructor(private readonly sessions: SessionsService) {}

  async fetch(req: RequestWithUser, url: string | URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    for (const name of FORWARDED_TRACE_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string' && value) headers.set(name, value);
    }
    const token = req.user?.accessToken;
    if (token) headers.set('authorization', `Bearer ${token}`);
    const response = await fetch(url, { ...init, headers, signal: init.signal ?? AbortSignal.timeout(10_000) });
    if (response.status === 401) {
      await response.body?.cancel();
      this.logger.log(`Downstream ${new URL(url).host} answered 401: ending the user's session`);
      if (req.user?.sessionId) await this.sessions.end(req.user.sessionId, 'downstream answered 401');
      throw new SessionEndedError(`downstream ${new URL(url).host} answered 401`);
    }
    return response;
  }

  async getJson<T>(req: RequestWithUser, url: string | URL): Promise<{ status: number; body: T | undefined }> {
    const response = await this.fetch(req, url, { headers: { accept: 'application/json' } });
    const text = await response.text();
    let body: T | undefined;
    try {
      body = text ? (JSON.parse(text) as T) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.status, body };
  }
}
