import { Module } from '@nestjs/common';
import { queueConfigSection } from './queue.config.js';
import { QueueDoctor } from './queue.doctor.js';
import { QueueHealthIndicator } from './queue.health.js';
import { CodeQueue } from './code-queue.js';
import { AzureStorageCodeQueue } from './azure-storage-code-queue.js';

/** The code queue. Azurite vs Azure Storage is configuration (QueueConfig), not another class. */
@Module({
  imports: [queueConfigSection.forFeature()],
  providers: [{ provide: CodeQueue, useClass: AzureStorageCodeQueue }, QueueHealthIndicator, QueueDoctor],
  exports: [CodeQueue],
})
export class QueueModule {}
