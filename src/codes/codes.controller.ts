import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CodesService, type IssuedCode } from './codes.service.js';
import { IssuedCodeDto } from './codes.dto.js';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import { AuthPolicy, CurrentUser, IdentifyCaller } from '../auth/auth.decorators.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CodesConfig } from './codes.config.js';
import { ownerOf } from './code-owner.js';

@ApiTags('codes')
@Controller('api/v1')
export class CodesController {
  constructor(private readonly codes: CodesService) {}

  @Get('getcode')
  @AuthPolicy(CodesConfig, (c) => c.getcodeAuth)
  @IdentifyCaller()
  @ApiOperation({
    summary: 'Issue a code like abC-161-xYz: verifiable as soon as it is returned, bound to the caller when signed in, and queued on code-requests',
  })
  @ApiOkResponse({ type: IssuedCodeDto })
  @ApiResponse({ status: 502, description: 'The number API failed or answered garbage', type: ErrorBodyDto })
  @ApiResponse({ status: 503, description: 'The queue or the code table is unavailable; no code issued', type: ErrorBodyDto })
  @ApiResponse({ status: 504, description: 'The number API timed out', type: ErrorBodyDto })
  @ApiResponse({ status: 429, description: 'Rate limited; see Retry-After', type: ErrorBodyDto })
  getCode(@CurrentUser() user: AuthUser | undefined): Promise<IssuedCode> {
    return this.codes.issue(ownerOf(user));
  }
}
