import { stepUpConfigSection } from './step-up.config.js';

describe('step-up config', () => {
  it('defaults: 15 minutes, no IdP step-up accepted, Twilio Verify’s send figures', () => {
    const r = stepUpConfigSection.parse({});
    expect(r.ok && r.value).toEqual({ maxAgeSeconds: 900, acrValues: [], sendsPerWindow: 5, sendWindowSeconds: 600, resendCooldownSeconds: 30 });
  });

  it('STEP_UP_ACR takes acr values separated by commas or spaces, and refuses quotes (they would break the challenge header)', () => {
    const r = stepUpConfigSection.parse({ STEP_UP_ACR: 'gold, urn:mace:incommon:iap:silver mfa' });
    expect(r.ok && r.value.acrValues).toEqual(['gold', 'urn:mace:incommon:iap:silver', 'mfa']);
    const bad = stepUpConfigSection.parse({ STEP_UP_ACR: 'a"b', STEP_UP_MAX_AGE_SECONDS: '0' });
    expect(!bad.ok && bad.problems).toEqual([
      'STEP_UP_MAX_AGE_SECONDS: must be an integer from 1 to 604800 (got "0")',
      'STEP_UP_ACR: must be acr values separated by commas or spaces (printable, no quotes or backslashes)',
    ]);
  });
});
