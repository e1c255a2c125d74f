import { Module } from '@nestjs/common';
import { AttemptBudget } from './attempt-budget.js';
import { createAttemptBudget } from './attempt-budget.factory.js';
import { VerificationConfig, verificationConfigSection } from './verification.config.js';
import { CodeTableConfig, codeTableConfigSection } from '../code-table/code-table.config.js';
import { CodeTableModule } from '../code-table/code-table.module.js';
import { RedisConnection } from '../redis/redis-connection.js';
import { RedisModule } from '../redis/redis.module.js';
import { VerificationController } from './verification.controller.js';
import { VerificationService } from './verification.service.js';
import { Clock, ClockModule } from '../common/clock.js';
import { SecondFactorCodes } from '../auth/step-up/second-factor-codes.js';
import { CodesModule } from '../codes/codes.module.js';
import { codesConfigSection } from '../codes/codes.config.js';
import { LifecycleSecondFactorCodes } from './second-factor-codes.service.js';

@Module({
  imports: [verificationConfigSection.forFeature(), codeTableConfigSection.forFeature(), codesConfigSection.forFeature(), ClockModule, CodeTableModule, RedisModule, CodesModule],
  controllers: [VerificationController],
  providers: [
    {
      provide: AttemptBudget,
      inject: [VerificationConfig, CodeTableConfig, RedisConnection, Clock],
      useFactory: (config: VerificationConfig, table: CodeTableConfig, redis: RedisConnection, clock: Clock) => createAttemptBudget(config, table, redis, clock),
    },
    VerificationService,
    // For StepUpModule (auth/step-up), which may not import this floor itself.
    { provide: SecondFactorCodes, useClass: LifecycleSecondFactorCodes },
  ],
  exports: [VerificationService, SecondFactorCodes],
})
export class VerificationModule {}
