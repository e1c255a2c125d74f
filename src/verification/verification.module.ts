import { Module } from '@nestjs/common';
import { AttemptBudget } from './attempt-budget.js';
import { TableAttemptBudget } from './table-attempt-budget.js';
import { verificationConfigSection } from './verification.config.js';
import { codeTableConfigSection } from '../code-table/code-table.config.js';
import { CodeTableModule } from '../code-table/code-table.module.js';
import { VerificationController } from './verification.controller.js';
import { VerificationService } from './verification.service.js';
import { ClockModule } from '../common/clock.js';
import { SecondFactorCodes } from '../auth/step-up/second-factor-codes.js';
import { CodesModule } from '../codes/codes.module.js';
import { codesConfigSection } from '../codes/codes.config.js';
import { LifecycleSecondFactorCodes } from './second-factor-codes.service.js';

@Module({
  imports: [verificationConfigSection.forFeature(), codeTableConfigSection.forFeature(), codesConfigSection.forFeature(), ClockModule, CodeTableModule, CodesModule],
  controllers: [VerificationController],
  providers: [
    { provide: AttemptBudget, useClass: TableAttemptBudget },
    VerificationService,
    // For StepUpModule (auth/step-up), which may not import this floor itself.
    { provide: SecondFactorCodes, useClass: LifecycleSecondFactorCodes },
  ],
  exports: [VerificationService, SecondFactorCodes],
})
export class VerificationModule {}
