import type { AuthUser } from '../auth-user.js';

/** Whether the caller's second factor is fresh enough, and when it was done. */
export interface SecondFactorStatus {
  readonly satisfied: boolean;
  /** When the freshest second factor that counts was done (epoch ms). */
  readonly at?: number;
  /** How: this app's code (`otp`), or the IdP's step-up (`acr`). */
  readonly by?: 'otp' | 'acr';
}

/**
 * The one rule, for sessions and Bearer tokens alike (the guard's @RequireSecondFactor() and forward
 * auth's `?second_factor=1`): this app's own second factor (`otp` in the session's `amr` with
 * `secondFactorAt`, sessions only) or an IdP step-up (`acr` or an `amr` value listed in
 * `acrValues`) whose `auth_time` is known, each within `maxAgeSeconds` of `now` (and not in the future).
 */
export function secondFactorStatus(user: Pick<AuthUser, 'assurance'>, maxAgeSeconds: number, acrValues: readonly string[], now: number): SecondFactorStatus {
  const assurance = user.assurance;
  const fresh = (at: number | undefined): at is number => at !== undefined && at <= now + 60_000 && now - at <= maxAgeSeconds * 1000;
  const candidates: Array<{ at: number; by: 'otp' | 'acr' }> = [];
  if (assurance?.amr.includes('otp') && fresh(assurance.secondFactorAt)) candidates.push({ at: assurance.secondFactorAt, by: 'otp' });
  const idpStepUp = !!assurance && acrValues.length > 0 && ((assurance.acr !== undefined && acrValues.includes(assurance.acr)) || assurance.amr.some((v) => acrValues.includes(v)));
  const idpAt = assurance?.authTime !== undefined ? assurance.authTime * 1000 : undefined;
  if (idpStepUp && fresh(idpAt)) candidates.push({ at: idpAt, by: 'acr' });
  const best = candidates.sort((a, b) => b.at - a.at)[0];
  return best ? { satisfied: true, ...best } : { satisfied: false };
}

/**
 * The RFC 9470 challenge: `Bearer error="insufficient_user_authentication"` with the max age the
 * route wants and, when an IdP step-up is accepted, the `acr_values` that would satisfy it.
 */
export function stepUpChallenge(maxAgeSeconds: number, acrValues: readonly string[]): string {
  const acr = acrValues.length ? `, acr_values="${acrValues.join(' ')}"` : '';
  return `Bearer error="insufficient_user_authentication", error_description="A second factor within the last ${maxAgeSeconds} seconds is required", max_age=${maxAgeSeconds}${acr}`;
}
