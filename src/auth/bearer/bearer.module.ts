import { Module } from '@nestjs/common';
import { ClockModule } from '../../common/clock.js';
import { OidcModule } from '../oidc/oidc.module.js';
import { authConfigSection } from '../auth.config.js';
import { bearerConfigSection } from './bearer.config.js';
import { BearerDoctor } from './bearer.doctor.js';
import { BearerTokenValidator } from './bearer-token.validator.js';

/** `Authorization: Bearer` access tokens, checked locally (JWT) or by introspection (AUTH_BEARER). */
@Module({
  imports: [bearerConfigSection.forFeature(), authConfigSection.forFeature(), ClockModule, OidcModule],
  providers: [BearerTokenValidator, BearerDoctor],
  exports: [BearerTokenValidator],
})
export class BearerModule {}
