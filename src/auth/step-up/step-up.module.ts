import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { ClockModule } from '../../common/clock.js';
import { codeTableConfigSection } from '../../code-table/code-table.config.js';
import { runtimeConfigSection } from '../../config/runtime.config.js';
import { forwardAuthConfigSection } from '../forward-auth/forward-auth.config.js';
import { DeliveryModule } from '../../delivery/delivery.module.js';
import { AuthModule } from '../auth.module.js';
import { sessionsConfigSection } from '../sessions/sessions.config.js';
import { SendLimits } from './send-limits.js';
import { stepUpConfigSection } from './step-up.config.js';
import { StepUpController } from './step-up.controller.js';
import { StepUpService } from './step-up.service.js';
import { TableSendLimits } from './table-send-limits.js';

/**
 * Step-up for browser sessions: /auth/second-factor (send a code out of band, type it back) and
 * the session's second factor. `@RequireSecondFactor()` itself is enforced by the global guard
 * (AuthModule), so any route may use it. The codes come from `codes`, a module that provides
 * SecondFactorCodes from above this floor (verification), named by the process root.
 */
@Module({})
export class StepUpModule {
  static withCodes(codes: Type<unknown> | DynamicModule): DynamicModule {
    return {
      module: StepUpModule,
      imports: [
        stepUpConfigSection.forFeature(),
        codeTableConfigSection.forFeature(),
        sessionsConfigSection.forFeature(),
        runtimeConfigSection.forFeature(),
        forwardAuthConfigSection.forFeature(),
        ClockModule,
        AuthModule,
        DeliveryModule,
        codes,
      ],
      controllers: [StepUpController],
      providers: [StepUpService, { provide: SendLimits, useClass: TableSendLimits }],
    };
  }
}
