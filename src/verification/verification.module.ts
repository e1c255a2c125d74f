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

@Module({
  imports: [verificationConfigSection.forFeature(), codeTableConfigSection.forFeature(), ClockModule, CodeTableModule, RedisModule],
  controllers: [VerificationController],
  providers: [
    {
      provide: AttemptBudget,
      inject: [VerificationConfig, CodeTableConfig, RedisConnection, Clock],
      useFactory: (config: VerificationConfig, table: CodeTableConfig, redis: RedisConnection, clock: Clock) => createAttemptBudget(config, table, redis, clock),
    },
    VerificationService,
  ],
  exports: [VerificationService],
})
export class VerificationModule {}
