import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodResponse, errorBodySchema } from '../common/validation.js';
import { AuthPolicy, CurrentUser, IdentifyCaller } from '../auth/guard/auth.decorators.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CodesService, type IssuedCode } from './codes.service.js';
import { CodesConfig } from './codes.config.js';
import { issuedCodeSchema } from './codes.schemas.js';

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
  @ApiZodResponse({ status: 200 }, issuedCodeSchema)
  @ApiZodResponse({ status: 502, description: 'The number API failed or answered garbage' }, errorBodySchema)
  @ApiZodResponse({ status: 503, description: 'The queue or the code table is unavailable; no code issued' }, errorBodySchema)
  @ApiZodResponse({ status: 504, description: 'The number API timed out' }, errorBodySchema)
  @ApiZodResponse({ status: 429, description: 'Rate limited; see Retry-After' }, errorBodySchema)
  getCode(@CurrentUser() user: AuthUser | undefined): Promise<IssuedCode> {
    return this.codes.issue(user);
  }
}
