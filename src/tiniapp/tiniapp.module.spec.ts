import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import { chosenImports } from '../config/module-sections.js';
import { tiniAppConfigSection } from './tiniapp.config.js';
import { TiniAppModule } from './tiniapp.module.js';

/** What TiniAppModule.whenConfigured() (the API root's import) imports under `config`. */
const mountedWith = (config: LoadedConfig) => chosenImports(TiniAppModule.whenConfigured(), config);

describe('TiniAppModule.whenConfigured', () => {
  it('is mounted only when the Tini App backend is configured', () => {
    expect(mountedWith(loadConfig({}, [tiniAppConfigSection]))).toEqual([]);
    const configured = loadConfig({ CLIENT_KEY: 'k', CLIENT_SECRET: 's', AUTH_ENDPOINT: 'https://api.tiki.vn/tiniapp-open-api/oauth/auth/token' }, [tiniAppConfigSection]);
    expect(mountedWith(configured)).toEqual([TiniAppModule]);
  });

  it('is not mounted by an entry point whose configuration has no Tini App section', () => {
    expect(mountedWith(loadConfig({ CLIENT_KEY: 'k' }, []))).toEqual([]);
  });
});
