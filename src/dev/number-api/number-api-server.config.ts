import { z } from 'zod';
import { defineConfigSection, envInt } from '../../config/config-section.js';

/** The local stand-in for the third-party number API. */
export class NumberApiServerConfig {
  readonly host!: string;
  readonly port!: number;
  readonly secretName!: string;
}

export const numberApiServerConfigSection = defineConfigSection(
  'numberApiServer',
  NumberApiServerConfig,
  z.object({
    NUMBER_API_HOST: z.string().default('127.0.0.1'),
    NUMBER_API_PORT: envInt(7071, 0, 65535),
    THIRD_PARTY_API_SECRET_NAME: z.string().min(1).default('third-party-api-key'),
  }),
  (v) => ({ host: v.NUMBER_API_HOST, port: v.NUMBER_API_PORT, secretName: v.THIRD_PARTY_API_SECRET_NAME }),
);
