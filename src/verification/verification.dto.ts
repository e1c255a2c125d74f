import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';

export class VerifyCodeRequestDto {
  @ApiProperty({ example: 'ojE-161-pTv', maxLength: 64 })
  code!: string;
}

export class VerifyCodeResultDto {
  @ApiProperty({ description: 'true exactly once for a live code; false for unknown, expired or used codes alike' })
  valid!: boolean;
}

export const verifyCodeRequestSchema = z.strictObject(
  {
    code: z
      .string({ error: (issue) => (issue.input === undefined ? '"code" is required' : '"code" must be a string') })
      .min(1, '"code" must not be empty')
      .max(64, '"code" must be at most 64 characters'),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unexpected field(s): ${issue.keys.join(', ')}` : 'the body is not a JSON object') },
);
