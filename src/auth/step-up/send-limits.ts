/** The send rules: a cooldown between two sends, and at most `perWindow` sends per `windowMs`. */
export interface SendRules {
  readonly perWindow: number;
  readonly windowMs: number;
  readonly cooldownMs: number;
}

export type SendAllowance = { readonly allowed: true } | { readonly allowed: false; readonly limit: 'cooldown' | 'window'; readonly retryAfterSeconds: number };

/**
 * The send limits of step-up codes (abstract class: type and DI token), shared by every replica:
 * a send is reserved (counted) before the code is issued and sent, so two concurrent sends cannot
 * both slip under a limit. Keys name one user's one destination: nobody else can spend them.
 */
export abstract class SendLimits {
  abstract reserve(key: string, now: Date, rules: SendRules): Promise<SendAllowance>;
}

/**
 * The verdict over the reservations in one window, oldest first (`mine` among them): refused if a
 * reservation before mine is within the cooldown, or if `perWindow` are before mine in the window.
 */
export function judge(reservations: ReadonlyArray<{ id: string; at: number }>, mine: string, now: number, rules: SendRules): SendAllowance {
  const live = reservations.filter((r) => r.at > now - rules.windowMs).sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  const index = live.findIndex((r) => r.id === mine);
  const before = index < 0 ? live : live.slice(0, index);
  const last = before.at(-1);
  if (last && now - last.at < rules.cooldownMs) return { allowed: false, limit: 'cooldown', retryAfterSeconds: seconds(last.at + rules.cooldownMs - now) };
  if (before.length >= rules.perWindow) {
    const freesAt = before[before.length - rules.perWindow]!.at + rules.windowMs;
    return { allowed: false, limit: 'window', retryAfterSeconds: seconds(freesAt - now) };
  }
  return { allowed: true };
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
