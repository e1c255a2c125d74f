import { Module } from '@nestjs/common';
import { ClockModule } from '../../common/clock.js';
import { OidcModule } from '../oidc/oidc.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { DownstreamHttpClient } from './downstream-http.client.js';
import { ExchangedTokens } from './exchanged-tokens.js';
import { tokenExchangeConfigSection } from './token-exchange.config.js';

/** Calling other services as the user: tokens exchanged per audience (cached per session) and the HTTP client that sends them. */
@Module({
  imports: [tokenExchangeConfigSection.forFeature(), ClockModule, OidcModule, SessionsModule],
  providers: [ExchangedTokens, DownstreamHttpClient],
  exports: [ExchangedTokens, DownstreamHttpClient],
})
export class DownstreamModule {}
