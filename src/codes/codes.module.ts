import { Module } from '@nestjs/common';
import { NumberApiModule } from '../number-api/number-api.module.js';
import { QueueModule } from '../queue/queue.module.js';
import { CodeTableModule } from '../code-table/code-table.module.js';
import { CodesController } from './codes.controller.js';
import { CodesService } from './codes.service.js';
import { codesConfigSection } from './codes.config.js';
import { ClockModule } from '../common/clock.js';

@Module({
  imports: [codesConfigSection.forFeature(), ClockModule, NumberApiModule, QueueModule, CodeTableModule],
  controllers: [CodesController],
  providers: [CodesService],
  exports: [CodesService],
})
export class CodesModule {}
