import { Module } from '@nestjs/common';
import { codeTableConfigSection } from './code-table.config.js';
import { CodeTableDoctor } from './code-table.doctor.js';
import { CodeTableHealthIndicator } from './code-table.health.js';
import { CodeTable } from './code-table.js';
import { AzureTableCodeTable } from './azure-table-code-table.js';

/**
 * The valid-code table. Azurite vs Azure Storage (key or managed identity) is configuration
 * (CodeTableConfig), not another class; the module exports only the contract.
 */
@Module({
  imports: [codeTableConfigSection.forFeature()],
  providers: [{ provide: CodeTable, useClass: AzureTableCodeTable }, CodeTableHealthIndicator, CodeTableDoctor],
  exports: [CodeTable],
})
export class CodeTableModule {}
