import { Injectable, Logger } from '@nestjs/common';
import type { RequestWithUser } from '../auth-user.js';
import { SessionEndedError } from '../auth.errors.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { ExchangedTokens } from './exchanged-tokens.js';

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

/** A downstream call: `fetch`'s options plus the audience of the service called. */
export interface DownstreamRequestInit extends RequestInit {
  /**
   * The `aud` the service accepts (e.g. `details-api`). It gets a token issued for that audience
   * (token exchange); only this API's own audience gets the user's own token.
   */
  audience: string;
}

/**
 * Calls downstream services as the signed-in user: a token issued for the service's own audience
 * (ExchangedTokens: token exchange or Entra on-behalf-of, cached per session and audience; never
 * the user's own token, whose audience is this API) and the incoming request's tracing headers,
 * never the cookie. A 401 from downstream (or the IdP refusing the user's token) means the
 * session is over: it is ended and SessionEndedError (401) thrown, which an @HtmlPage() route
 * turns into a redirect to log in and an API route answers as 401 JSON.
 */
@Injectable()
export class DownstreamHttpClient {
  private readonly logger = new Logger(DownstreamHttpClient.name);

  constructor(
    private readonly sessions: SessionsService,
    private readonly tokens: ExchangedTokens,
  ) {}

  async fetch(req: RequestWithUser, url: string | URL, init: DownstreamRequestInit): Promise<Response> {
    const { audience, ...request } = init;
    const headers = new Headers(request.headers);
    for (const name of FORWARDED_TRACE_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string' && value) headers.set(name, value);
    }
    const user = req.user;
    if (user) {
      const token = await this.tokens.tokenFor(user, audience).catch((error: unknown) => this.endingOn(error, req));
      headers.set('authorization', `Bearer ${token}`);
    }
    const response = await fetch(url, { ...request, headers, signal: request.signal ?? AbortSignal.timeout(10_000) });
    if (response.status === 401) {
      await response.body?.cancel();
      const host = new URL(url).host;
      this.logger.log(`Downstream ${host} (${audience}) answered 401: ending the user's session`);
      if (user) await this.tokens.forget(user, audience);
      await this.endingOn(new SessionEndedError(`downstream ${host} answered 401`), req);
    }
    return response;
  }

  async getJson<T>(req: RequestWithUser, url: string | URL, audience: string): Promise<{ status: number; body: T | undefined }> {
    const response = await this.fetch(req, url, { audience, headers: { accept: 'application/json' } });
    const text = await response.text();
    let body: T | undefined;
    try {
      body = text ? (JSON.parse(text) as T) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.status, body };
  }

  /** A SessionEndedError ends the browser's session before it is thrown on; anything else is thrown as is. */
  private async endingOn(error: unknown, req: RequestWithUser): Promise<never> {
    if (error instanceof SessionEndedError && req.user?.sessionId) await this.sessions.end(req.user.sessionId, error.reason);
    throw error;
  }
}
