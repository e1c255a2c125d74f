import { Injectable } from '@nestjs/common';
import { TikiPlatformApi, type TikiAnswer } from './tiki-platform-api.js';
import { TIKI_PATHS } from './tiniapp.config.js';

/** The seed's three exchanges with Tiki. */
@Injectable()
export class TiniAppAuthService {
  constructor(private readonly tiki: TikiPlatformApi) {}

  /** An auth code from `my.getAuthCode` → access and refresh tokens with the customer. */
  exchange(code: string): Promise<TikiAnswer> {
    return this.tiki.call(TIKI_PATHS.token, { code });
  }

  refresh(refreshToken: string): Promise<TikiAnswer> {
    return this.tiki.call(TIKI_PATHS.refresh, { refresh_token: refreshToken });
  }

  /** The customer an access token belongs to. */
  info(accessToken: string): Promise<TikiAnswer> {
    return this.tiki.call(TIKI_PATHS.me, { access_token: accessToken });
  }
}
