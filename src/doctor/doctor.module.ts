import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DoctorService } from './doctor.service.js';

/** The doctor: finds and runs the checks the process's capabilities contribute (`@Diagnoses()`). */
@Module({
  imports: [DiscoveryModule],
  providers: [DoctorService],
  exports: [DoctorService],
})
export class DoctorModule {}
