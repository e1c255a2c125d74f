import { numberApiServerConfigSection } from './number-api-server.config.js';

describe('number API stand-in config', () => {
  it("closes idle keep-alive connections after 5 s by default, as the Functions host does", () => {
    const r = numberApiServerConfigSection.parse({});
    expect(r.ok && r.value).toEqual({ host: '127.0.0.1', port: 7071, secretName: 'third-party-api-key', keepAliveTimeoutMs: 5000 });
    const longer = numberApiServerConfigSection.parse({ NUMBER_API_KEEP_ALIVE_TIMEOUT_MS: '65000' });
    expect(longer.ok && longer.value.keepAliveTimeoutMs).toBe(65_000);
  });

  it('a bad idle close stops start-up, naming the variable', () => {
    const r = numberApiServerConfigSection.parse({ NUMBER_API_KEEP_ALIVE_TIMEOUT_MS: 'soon' });
    expect(r.ok ? [] : r.problems.join(' ')).toContain('NUMBER_API_KEEP_ALIVE_TIMEOUT_MS');
  });
});
