import { loadConfig } from '../config/load-config.js';
import { tiniAppConfigSection } from './tiniapp.config.js';
import { TiniAppModule } from './tiniapp.module.js';

describe('TiniAppModule.whenEnabled', () => {
  it('is mounted only when the Tini App backend is configured', () => {
    expect(TiniAppModule.whenEnabled(loadConfig({}, [tiniAppConfigSection]))).toEqual([]);
    const configured = loadConfig({ CLIENT_KEY: 'k', CLIENT_SECRET: 's', AUTH_ENDPOINT: 'https://api.tiki.vn/tiniapp-open-api/oauth/auth/token' }, [tiniAppConfigSection]);
    expect(TiniAppModule.whenEnabled(configured)).toEqual([TiniAppModule]);
  });

  it('is not mounted by an entry point whose configuration has no Tini App section', () => {
    expect(TiniAppModule.whenEnabled(loadConfig({ CLIENT_KEY: 'k' }, []))).toEqual([]);
  });
});
