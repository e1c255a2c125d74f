import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodBody, ApiZodResponse, errorBodySchema, ValidBody } from '../common/validation.js';
import type { RequestWithUser } from '../auth/auth-user.js';
import { IdentifyCaller } from '../auth/guard/auth.decorators.js';
import { VerifyThrottled } from '../rate-limit/rate-limits.js';
import { VerificationService } from './verification.service.js';
import { verifyCodeRequestSchema, verifyCodeResultSchema } from './verification.schemas.js';
import { InvalidVerifyRequestError } from './verification.errors.js';
import { verifierOf } from './verifier.js';

@ApiTags('codes')
@Controller('api/v1')
export class VerificationController {
  constructor(private readonly verification: VerificationService) {}

  @Post('verifycode')
  @HttpCode(200)
  @VerifyThrottled()
  @IdentifyCaller()
  @ApiOperation({
    summary: 'Verify and consume a code: {"valid": true} exactly once while it is live (a bound code: only for the subject it was issued to)',
  })
  @ApiZodBody(verifyCodeRequestSchema)
  @ApiZodResponse({ status: 200 }, verifyCodeResultSchema)
  @ApiZodResponse({ status: 400, description: 'The body is not {"code": "<string>"}' }, errorBodySchema)
  @ApiZodResponse(
    {
      status: 429,
      description: 'Rate limited (VERIFY_THROTTLE_LIMIT), or the attempt budget is spent (VERIFY_MAX_ATTEMPTS wrong codes, TOO_MANY_ATTEMPTS); see Retry-After',
    },
    errorBodySchema,
  )
  @ApiZodResponse({ status: 503, description: 'The code table is unavailable' }, errorBodySchema)
  async verify(
    @ValidBody(verifyCodeRequestSchema, (detail) => new InvalidVerifyRequestError(detail)) body: { code: string },
    @Req() req: RequestWithUser,
  ): Promise<{ valid: boolean }> {
    return { valid: await this.verification.verify(body.code, verifierOf(req)) };
  }
}
