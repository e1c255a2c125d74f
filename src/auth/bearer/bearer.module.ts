import { Module } from '@nestjs/common';
import { ClockModule } from '../../common/clock.js';
import { OidcModule } from '../oidc/oidc.module.js';
import { bearerConfigSection } from './bearer.config.js';
import { BearerTokenValidator } from './bearer-token.validator.js';

/** `Authorization: Bearer` access tokens, checked locally (JWT) or by introspection (AUTH_BEARER). */
@Module({
  imports: [bearerConfigSection.forFeature(), ClockModule, OidcModule],
  providers: [BearerTokenValidator],
  exports: [BearerTokenValidator],
})
export class BearerModule {}
