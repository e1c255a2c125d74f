import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CodesModule } from '../codes/codes.module.js';
import { CodeTableModule } from '../code-table/code-table.module.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), CodesModule, CodeTableModule],
  controllers: [HealthController],
})
export class HealthModule {}
