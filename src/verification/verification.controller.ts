import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import { VerificationService } from './verification.service.js';
import { verifyCodeRequestSchema, VerifyCodeRequestDto, VerifyCodeResultDto } from './verification.dto.js';
import { InvalidVerifyRequestError } from './verification.errors.js';
import { VerifyThrottled } from './verification.throttler.js';
import { IdentifyCaller } from '../auth/auth.decorators.js';

@ApiTags('codes')
@Controller('api/v1')
export class VerificationController {
  constructor(private readonly verification: VerificationService) {}

  @Post('verifycode')
  @HttpCode(200)
  @VerifyThrottled()
  @IdentifyCaller()
  @ApiOperation({ summary: 'Verify and consume a code: {"valid": true} exactly once while it is live' })
  @ApiBody({ type: VerifyCodeRequestDto })
  @ApiOkResponse({ type: VerifyCodeResultDto })
  @ApiResponse({ status: 400, description: 'The body is not {"code": "<string>"}', type: ErrorBodyDto })
  @ApiResponse({ status: 429, description: 'Rate limited (VERIFY_THROTTLE_LIMIT); see Retry-After', type: ErrorBodyDto })
  @ApiResponse({ status: 503, description: 'The code table is unavailable', type: ErrorBodyDto })
  async verify(@Body() body: unknown): Promise<VerifyCodeResultDto> {
    const parsed = verifyCodeRequestSchema.safeParse(body);
    if (!parsed.success) throw new InvalidVerifyRequestError(parsed.error.issues.map((i) => i.message).join('; '));
    return { valid: await this.verification.verify(parsed.data.code) };
  }
}
