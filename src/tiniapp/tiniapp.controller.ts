import { applyDecorators, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiZodBody, ApiZodResponse, errorBodySchema } from '../common/validation.js';
import { tiniAppRawBody } from './tiniapp.body-reader.js';
import { parseTiniAppPayload, tiniAppFieldsSchema } from './tiniapp.payload.js';
import { TiniAppAuthService } from './tiniapp.service.js';
import type { TikiAnswer } from './tiki-platform-api.js';

const tikiBody = { schema: { type: 'object', properties: { data: { type: 'object', nullable: true }, error: { type: 'object', nullable: true } } } };
const errorResponses = [
  { status: 400, description: "No payload received / Invalid payload data format / Missing key '<key>'" },
  { status: 413, description: 'Body larger than TINIAPP_BODY_LIMIT_BYTES' },
  { status: 502, description: 'Tiki unreachable, 5xx or an answer that is not {data, error}' },
  { status: 504, description: 'Tiki did not answer within TINIAPP_TIMEOUT_MS' },
];

/** A Tini App route's documentation: its body from the schema its payload is validated with. */
function ApiTiniAppRoute(summary: string, key: string): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary }),
    ApiZodBody(tiniAppFieldsSchema(key)),
    ApiOkResponse({ description: "Tiki's answer, as is", ...tikiBody }),
    ApiResponse({ status: '4XX', description: "Tiki's own 4xx (invalid_code, invalid_token, invalid_signature, …) with its status and body", ...tikiBody }),
    ...errorResponses.map((response) => ApiZodResponse(response, errorBodySchema)),
  );
}

/** The seed's routes, at the root. Tiki's 2xx/4xx answers are passed through with their status. */
@ApiTags('tiniapp')
@Controller()
export class TiniAppController {
  constructor(private readonly auth: TiniAppAuthService) {}

  @Post('auth_exchange')
  @HttpCode(200)
  @ApiTiniAppRoute('Exchange a Tini App auth code for Tiki tokens (Tiki /oauth/auth/token)', 'code')
  async exchange(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<TikiAnswer['body']> {
    const { code } = parseTiniAppPayload(this.body(req), 'code');
    return this.answer(res, await this.auth.exchange(code));
  }

  @Post('auth_refresh')
  @HttpCode(200)
  @ApiTiniAppRoute('Refresh Tiki tokens (Tiki /oauth/auth/token/refresh)', 'refresh_token')
  async refresh(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<TikiAnswer['body']> {
    const { refresh_token } = parseTiniAppPayload(this.body(req), 'refresh_token');
    return this.answer(res, await this.auth.refresh(refresh_token));
  }

  @Post('auth_info')
  @HttpCode(200)
  @ApiTiniAppRoute("The customer behind an access token (Tiki /oauth/me)", 'access_token')
  async info(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<TikiAnswer['body']> {
    const { access_token } = parseTiniAppPayload(this.body(req), 'access_token');
    return this.answer(res, await this.auth.info(access_token));
  }

  private body(req: Request) {
    const raw = tiniAppRawBody(req);
    // A wiring fault, not a client error: createApp mounts the reader in front of these routes.
    if (!raw) throw new Error('The Tini App body reader is not mounted in front of the Tini App routes');
    return raw;
  }

  private answer(res: Response, answer: TikiAnswer): TikiAnswer['body'] {
    res.status(answer.status);
    return answer.body;
  }
}
