import { Module } from '@nestjs/common';
import { CodeTableModule } from '../code-table/code-table.module.js';
import { CodeTable } from '../code-table/code-table.js';
import { VerificationController } from './verification.controller.js';
import { VerificationService } from './verification.service.js';
import { VerificationConfig } from './verification.config.js';

@Module({
  imports: [CodeTableModule],
  controllers: [VerificationController],
  providers: [
    {
      provide: VerificationService,
      inject: [CodeTable, VerificationConfig],
      useFactory: (table: CodeTable, config: VerificationConfig) =>
        new VerificationService(table, { maxAttempts: config.maxAttempts, windowMs: config.attemptWindowMs }),
    },
  ],
  exports: [VerificationService],
})
export class VerificationModule {}
