import { Module } from '@nestjs/common';
import { CodeTable } from './code-table.js';
import { AzureTableCodeTable } from './azure-table-code-table.js';

/**
 * The valid-code table. Azurite vs Azure Storage (key or managed identity) is configuration
 * (CodeTableConfig), not another class; the module exports only the contract.
 */
@Module({
  providers: [{ provide: CodeTable, useClass: AzureTableCodeTable }],
  exports: [CodeTable],
})
export class CodeTableModule {}
