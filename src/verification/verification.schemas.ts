import { z } from 'zod';

/** The body of POST /api/v1/verifycode and of the home page's verify form: the one source of both checks and of the OpenAPI document. */
export const verifyCodeRequestSchema = z.strictObject(
  {
    code: z
      .string({ error: (issue) => (issue.input === undefined ? '"code" is required' : '"code" must be a string') })
      .min(1, '"code" must not be empty')
      .max(64, '"code" must be at most 64 characters')
      .meta({ example: 'ojE-161-pTv' }),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unexpected field(s): ${issue.keys.join(', ')}` : 'the body is not a JSON object') },
);

export const verifyCodeResultSchema = z.object({
  valid: z.boolean().meta({ description: 'true exactly once for a live code; false for unknown, expired or used codes alike' }),
});
