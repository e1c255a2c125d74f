import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

/**
 * The throttler's guard, with the one place that decides who a request counts against (the
 * tracker: the client address Express derived with TRUST_PROXY) and under which storage key.
 * Both are @nestjs/throttler's own rules today; a change of keying is made here and nowhere else.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    return super.getTracker(req);
  }

  protected override generateKey(context: ExecutionContext, tracker: string, throttlerName: string): string {
    return super.generateKey(context, tracker, throttlerName);
  }
}
