import { z } from 'zod';
import { defineConfigSection, envInt } from '../../config/config-section.js';

/** The local stand-in for the third-party number API. */
export class NumberApiServerConfig {
  readonly host!: string;
  readonly port!: number;
  readonly secretName!: string;
  /**
   * The idle close of a keep-alive connection, as the Functions host does it (5 s, no `Keep-Alive`
   * hint): the app's client must retire its idle sockets before this (THIRD_PARTY_API_KEEP_ALIVE_MS).
   */
  readonly keepAliveTimeoutMs!: number;
}

export const numberApiServerConfigSection = defineConfigSection(
  'numberApiServer',
  NumberApiServerConfig,
  z.object({
    NUMBER_API_HOST: z.string().default('127.0.0.1'),
    NUMBER_API_PORT: envInt(7071, 0, 65535),
    THIRD_PARTY_API_SECRET_NAME: z.string().min(1).default('third-party-api-key'),
    NUMBER_API_KEEP_ALIVE_TIMEOUT_MS: envInt(5000, 100, 3_600_000),
  }),
  (v) => ({ host: v.NUMBER_API_HOST, port: v.NUMBER_API_PORT, secretName: v.THIRD_PARTY_API_SECRET_NAME, keepAliveTimeoutMs: v.NUMBER_API_KEEP_ALIVE_TIMEOUT_MS }),
);
