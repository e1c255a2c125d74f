import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AuthConfig, authConfigSection } from '../auth/auth.config.js';
import { CodesModule } from '../codes/codes.module.js';
import { runtimeConfigSection } from '../config/runtime.config.js';
import { VerificationModule } from '../verification/verification.module.js';
import { HomeController } from './home.controller.js';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { setSignIn } from './home.pages.js';

/** The home page, its two-step panel, the profile page and the account page (which needs a second factor). */
@Module({
  imports: [authConfigSection.forFeature(), runtimeConfigSection.forFeature(), CodesModule, VerificationModule, DeliveryModule],
  controllers: [HomeController],
})
export class HomeModule implements NestModule {
  constructor(private readonly auth: AuthConfig) {}

  /** The pages (and their error views) show a login bar only when sign-in is on. */
  configure(consumer: MiddlewareConsumer): void {
    const enabled = this.auth.enabled;
    consumer
      .apply((_req: Request, res: Response, next: NextFunction) => {
        setSignIn(res, enabled);
        next();
      })
      .forRoutes(HomeController);
  }
}
