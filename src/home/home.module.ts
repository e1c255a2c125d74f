import { Module } from '@nestjs/common';
import { CodesModule } from '../codes/codes.module.js';
import { VerificationModule } from '../verification/verification.module.js';
import { HomeController } from './home.controller.js';

@Module({ imports: [CodesModule, VerificationModule], controllers: [HomeController] })
export class HomeModule {}
