import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CodesModule } from '../codes/codes.module.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), CodesModule],
  controllers: [HealthController],
})
export class HealthModule {}
