import { createHash } from 'node:crypto';
import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

/**
 * The throttler's guard, with the one place that decides who a request counts against (the
 * tracker: the client address Express derived with TRUST_PROXY) and under which storage key.
 *
 * The key is the limit's name and the client, never the route: @nestjs/throttler's default key
 * adds the controller and handler, so every route gave each client the full limit again (the API's
 * and the panel's verify routes two `verify` budgets, getcode and the panel's "Get a code" two
 * global ones). A named limit is one budget per client, whatever route spends it.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    return super.getTracker(req);
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return rateLimitKey(tracker, throttlerName);
  }
}

/** One counter per limit and client (hashed: a tracker is an address, kept out of Redis key names). */
export function rateLimitKey(tracker: string, throttlerName: string): string {
  return `${throttlerName}:${createHash('sha256').update(tracker).digest('base64url')}`;
}
