import { z } from 'zod';
import { defineConfigSection, envInt, envUrl } from '../config/config-section.js';

/** The third-party "number" API the sample calls (an Azure Function with a function key). */
export class NumberApiConfig {
  readonly endpoint!: string;
  readonly secretName!: string;
  readonly timeoutMs!: number;
  readonly maxSockets!: number;
  /**
   * How long an idle keep-alive connection is kept for reuse. It must stay below the server's own
   * idle close (the Functions host closes after 5 s without sending a Keep-Alive hint), or a
   * request can go out on a socket the server is closing.
   */
  readonly keepAliveMs!: number;
}

export const numberApiConfigSection = defineConfigSection(
  'numberApi',
  NumberApiConfig,
  z.object({
    THIRD_PARTY_API_ENDPOINT: envUrl(),
    THIRD_PARTY_API_SECRET_NAME: z.string().min(1).default('third-party-api-key'),
    THIRD_PARTY_API_TIMEOUT_MS: envInt(3000, 1, 120_000),
    THIRD_PARTY_API_MAX_SOCKETS: envInt(128, 1, 10_000),
    THIRD_PARTY_API_KEEP_ALIVE_MS: envInt(4000, 100, 600_000),
  }),
  (v) => ({
    endpoint: v.THIRD_PARTY_API_ENDPOINT,
    secretName: v.THIRD_PARTY_API_SECRET_NAME,
    timeoutMs: v.THIRD_PARTY_API_TIMEOUT_MS,
    maxSockets: v.THIRD_PARTY_API_MAX_SOCKETS,
    keepAliveMs: v.THIRD_PARTY_API_KEEP_ALIVE_MS,
  }),
);
