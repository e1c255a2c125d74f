import { z } from 'zod';
import { defineConfigSection, envInt } from '../../config/config-section.js';

/** The local stand-in of Tiki's platform API. Its client key and secret are the app's (TiniAppConfig). */
export class TikiStandinConfig {
  readonly host!: string;
  readonly port!: number;
  readonly basePath!: string;
}

export const tikiStandinConfigSection = defineConfigSection(
  'tikiStandin',
  TikiStandinConfig,
  z.object({
    TIKI_STANDIN_HOST: z.string().default('127.0.0.1'),
    TIKI_STANDIN_PORT: envInt(7072, 0, 65535),
    TIKI_STANDIN_BASE_PATH: z.string().regex(/^\/[A-Za-z0-9/_-]*$/, 'must be a path starting with /').default('/tiniapp-open-api'),
  }),
  (v) => ({ host: v.TIKI_STANDIN_HOST, port: v.TIKI_STANDIN_PORT, basePath: v.TIKI_STANDIN_BASE_PATH }),
);
