import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { observabilityConfigSection } from '../observability/observability.config.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';

/** /health/live and /health/ready over the readiness indicators the process's modules provide. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), DiscoveryModule, observabilityConfigSection.forFeature()],
  controllers: [HealthController],
  providers: [HealthService],
  exports: [HealthService],
})
export class HealthModule {}
