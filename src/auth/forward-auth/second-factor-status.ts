import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { RuntimeConfig } from '../../config/runtime.config.js';
import type { StoredSession } from '../sessions/session-store.js';

/**
 * What forward auth needs of the second factor (the step-up capability records it; this only
 * reads): when the session's user last completed one, whether that is fresh, and the page that
 * asks for it. A contract of its own so the step-up capability can provide its implementation
 * (its freshness window, its page) without /auth/verify changing.
 */
export abstract class SecondFactorStatus {
  /** Epoch ms of the last second factor completed in this session, or undefined. */
  abstract completedAt(session: StoredSession): number | undefined;
  /** Whether a second factor completed at `at` still counts. */
  abstract isFresh(at: number | undefined): boolean;
  /** How long a second factor counts (RFC 9470's `max_age` for Bearer callers). */
  abstract readonly maxAgeSeconds: number;
  /** The absolute URL of the step-up page, coming back to `returnTo` (an allowed URL) when given. */
  abstract stepUpUrl(returnTo?: string): string;
}

/** How long a completed second factor counts, until the step-up capability provides its own rule. */
export const SECOND_FACTOR_MAX_AGE_SECONDS = 900;

/**
 * Reads `secondFactorAt` (epoch ms), the optional field the step-up capability adds to the stored
 * session, and sends users to its page `/auth/second-factor`. Sessions written without it have
 * no fresh second factor.
 */
@Injectable()
export class StoredSecondFactorStatus extends SecondFactorStatus {
  readonly maxAgeSeconds = SECOND_FACTOR_MAX_AGE_SECONDS;

  constructor(
    private readonly runtime: RuntimeConfig,
    private readonly clock: Clock,
  ) {
    super();
  }

  completedAt(session: StoredSession): number | undefined {
    const at = (session as StoredSession & { secondFactorAt?: unknown }).secondFactorAt;
    return typeof at === 'number' && Number.isFinite(at) ? at : undefined;
  }

  isFresh(at: number | undefined): boolean {
    return at !== undefined && at <= this.clock.now() && this.clock.now() - at <= this.maxAgeSeconds * 1000;
  }

  stepUpUrl(returnTo?: string): string {
    const url = new URL('/auth/second-factor', this.runtime.publicBaseUrl);
    if (returnTo) url.searchParams.set('returnTo', returnTo);
    return url.href;
  }
}
