import { Module } from '@nestjs/common';
import { NumberApiModule } from '../number-api/number-api.module.js';
import { QueueModule } from '../queue/queue.module.js';
import { CodeTableModule } from '../code-table/code-table.module.js';
import { CodesController } from './codes.controller.js';
import { CodesService } from './codes.service.js';
import { ClockModule } from '../common/clock.js';

@Module({
  imports: [ClockModule, NumberApiModule, QueueModule, CodeTableModule],
  controllers: [CodesController],
  providers: [CodesService],
  exports: [NumberApiModule, QueueModule, CodesService],
})
export class CodesModule {}
