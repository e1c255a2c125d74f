import { Module } from '@nestjs/common';
import { NumberApiModule } from '../number-api/number-api.module.js';
import { QueueModule } from '../queue/queue.module.js';
import { CodeTableModule } from '../code-table/code-table.module.js';
import { NumberApi } from '../number-api/number-api.js';
import { CodeQueue } from '../queue/code-queue.js';
import { CodeTable } from '../code-table/code-table.js';
import { CodesController } from './codes.controller.js';
import { CodesService } from './codes.service.js';
import { CodesConfig } from './codes.config.js';

@Module({
  imports: [NumberApiModule, QueueModule, CodeTableModule],
  controllers: [CodesController],
  providers: [
    {
      provide: CodesService,
      inject: [NumberApi, CodeQueue, CodeTable, CodesConfig],
      useFactory: (n: NumberApi, q: CodeQueue, t: CodeTable, c: CodesConfig) => new CodesService(n, q, t, c),
    },
  ],
  exports: [NumberApiModule, QueueModule, CodesService],
})
export class CodesModule {}
