import { type CanActivate, type ExecutionContext, Injectable, SetMetadata, UseGuards, applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { RuntimeConfig } from '../config/runtime.config.js';
import { assertSameOrigin } from './same-origin.js';

const SAME_ORIGIN = 'same-origin:what';

/** Refuses (CrossSiteRequestError, 403) a request that did not come from the app's own pages (PUBLIC_BASE_URL's origin). */
@Injectable()
export class SameOriginGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly runtime: RuntimeConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const what = this.reflector.get<{ what: string; message?: string }>(SAME_ORIGIN, context.getHandler());
    assertSameOrigin(context.switchToHttp().getRequest<Request>().headers, this.runtime.publicBaseUrl, what.what, what.message);
    return true;
  }
}

/**
 * A state-changing browser form (logout, the two-step panel): accepted only from this site's own
 * pages, checked before the body is read. `what` names it in the log line of a refusal.
 */
export const SameOriginOnly = (what: string, message?: string) => applyDecorators(SetMetadata(SAME_ORIGIN, { what, message }), UseGuards(SameOriginGuard));
