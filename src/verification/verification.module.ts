import { Module } from '@nestjs/common';
import { verificationConfigSection } from './verification.config.js';
import { CodeTableModule } from '../code-table/code-table.module.js';
import { VerificationController } from './verification.controller.js';
import { VerificationService } from './verification.service.js';
import { ClockModule } from '../common/clock.js';

@Module({
  imports: [verificationConfigSection.forFeature(), ClockModule, CodeTableModule],
  controllers: [VerificationController],
  providers: [VerificationService],
  exports: [VerificationService],
})
export class VerificationModule {}
