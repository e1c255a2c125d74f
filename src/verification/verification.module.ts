import { Module } from '@nestjs/common';
import { AttemptBudget } from './attempt-budget.js';
import { TableAttemptBudget } from './table-attempt-budget.js';
import { verificationConfigSection } from './verification.config.js';
import { codeTableConfigSection } from '../code-table/code-table.config.js';
import { CodeTableModule } from '../code-table/code-table.module.js';
import { VerificationController } from './verification.controller.js';
import { VerificationService } from './verification.service.js';
import { ClockModule } from '../common/clock.js';

@Module({
  imports: [verificationConfigSection.forFeature(), codeTableConfigSection.forFeature(), ClockModule, CodeTableModule],
  controllers: [VerificationController],
  providers: [{ provide: AttemptBudget, useClass: TableAttemptBudget }, VerificationService],
  exports: [VerificationService],
})
export class VerificationModule {}
