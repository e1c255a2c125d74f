import { Module } from '@nestjs/common';
import { NumberApiModule } from '../number-api/number-api.module.js';
import { QueueModule } from '../queue/queue.module.js';
import { NumberApi } from '../number-api/number-api.js';
import { CodeQueue } from '../queue/code-queue.js';
import { CodesController } from './codes.controller.js';
import { CodesService } from './codes.service.js';

@Module({
  imports: [NumberApiModule, QueueModule],
  controllers: [CodesController],
  providers: [
    { provide: CodesService, inject: [NumberApi, CodeQueue], useFactory: (n: NumberApi, q: CodeQueue) => new CodesService(n, q) },
  ],
  exports: [NumberApiModule, QueueModule],
})
export class CodesModule {}
