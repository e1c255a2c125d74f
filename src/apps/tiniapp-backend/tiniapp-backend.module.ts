import { Module } from '@nestjs/common';
import { httpConfigSection } from '../../config/http.config.js';
import { configSectionsOf } from '../../config/module-sections.js';
import { LoggingModule } from '../../common/logging.module.js';
import { HttpErrorsModule } from '../../common/http-errors.module.js';
import { RateLimitModule } from '../../rate-limit/rate-limit.module.js';
import { SecretsModule } from '../../secrets/secrets.module.js';
import { HealthModule } from '../../health/health.module.js';
import { TiniAppModule } from '../../tiniapp/tiniapp.module.js';

/** The Tini App backend on its own: the same Tini App module, logging, rate limits, secrets, health and error filter as the API. */
@Module({
  imports: [LoggingModule.forRoot({ batch: true }), HttpErrorsModule, RateLimitModule, SecretsModule, HealthModule, TiniAppModule],
})
export class TiniAppBackendModule {}

/** Every config section the Tini App backend validates at start-up: its modules' own, and HTTP's. */
export const tiniAppBackendConfigSections = () => [...new Set([httpConfigSection, ...configSectionsOf(TiniAppBackendModule)])];
