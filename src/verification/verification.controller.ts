import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import type { RequestWithUser } from '../auth/auth-user.js';
import { ownerOf } from '../codes/code-owner.js';
import { VerificationService } from './verification.service.js';
import { verifyCodeRequestSchema, VerifyCodeRequestDto, VerifyCodeResultDto } from './verification.dto.js';
import { InvalidVerifyRequestError } from './verification.errors.js';
import { VerifyThrottled } from '../rate-limit/rate-limits.js';
import { IdentifyCaller } from '../auth/auth.decorators.js';

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
  @ApiBody({ type: VerifyCodeRequestDto })
  @ApiOkResponse({ type: VerifyCodeResultDto })
  @ApiResponse({ status: 400, description: 'The body is not {"code": "<string>"}', type: ErrorBodyDto })
  @ApiResponse({
    status: 429,
    description: 'Rate limited (VERIFY_THROTTLE_LIMIT), or the attempt budget is spent (VERIFY_MAX_ATTEMPTS wrong codes, TOO_MANY_ATTEMPTS); see Retry-After',
    type: ErrorBodyDto,
  })
  @ApiResponse({ status: 503, description: 'The code table is unavailable', type: ErrorBodyDto })
  async verify(@Body() body: unknown, @Req() req: RequestWithUser): Promise<VerifyCodeResultDto> {
    const parsed = verifyCodeRequestSchema.safeParse(body);
    if (!parsed.success) throw new InvalidVerifyRequestError(parsed.error.issues.map((i) => i.message).join('; '));
    return { valid: await this.verification.verify(parsed.data.code, verifierOf(req)) };
  }
}

/** The signed-in owner (the guard sets req.user on public routes too) and the client address. */
export function verifierOf(req: RequestWithUser): { owner?: ReturnType<typeof ownerOf>; client: string } {
  const owner = ownerOf(req.user);
  return { ...(owner ? { owner } : {}), client: req.ip ?? req.socket?.remoteAddress ?? 'unknown' };
}
