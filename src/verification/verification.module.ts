import { Module } from '@nestjs/common';
import { CodeTableModule } from '../code-table/code-table.module.js';
import { CodeTable } from '../code-table/code-table.js';
import { VerificationController } from './verification.controller.js';
import { VerificationService } from './verification.service.js';

@Module({
  imports: [CodeTableModule],
  controllers: [VerificationController],
  providers: [{ provide: VerificationService, inject: [CodeTable], useFactory: (table: CodeTable) => new VerificationService(table) }],
})
export class VerificationModule {}
