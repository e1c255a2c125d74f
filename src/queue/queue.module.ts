import { Module } from '@nestjs/common';
import { CodeQueue } from './code-queue.js';
import { AzureStorageCodeQueue } from './azure-storage-code-queue.js';

/** The code queue. Azurite vs Azure Storage is configuration (QueueConfig), not another class. */
@Module({
  providers: [{ provide: CodeQueue, useClass: AzureStorageCodeQueue }],
  exports: [CodeQueue],
})
export class QueueModule {}
