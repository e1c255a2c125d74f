import { z } from 'zod';

/** GET /api/v1/getcode's answer (and the queue message's fields). */
export const issuedCodeSchema = z.object({
  code: z.string().meta({ example: 'ojE-161-pTv' }),
  timestamp: z.string().meta({ example: '2026-11-24T16:54:48.816Z', description: 'ISO-8601 UTC' }),
});
