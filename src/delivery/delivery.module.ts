import { Module } from '@nestjs/common';
import { Clock, ClockModule } from '../common/clock.js';
import { SecretsService } from '../secrets/secrets.service.js';
import { CodeDelivery } from './code-delivery.js';
import { createCodeDelivery } from './code-delivery.factory.js';
import { DeliveryConfig, deliveryConfigSection } from './delivery.config.js';
import { DeliveryDoctor } from './delivery.doctor.js';
import { DeliveryHealthIndicator } from './delivery.health.js';
import { DeliveryService } from './delivery.service.js';

/**
 * Code delivery: the channel CODE_DELIVERY picks (response, smtp, acs-email, acs-sms), behind
 * DeliveryService (deadline, audit line, error mapping), its readiness indicator and its doctor
 * checks. The SMTP
 * password comes from the secret store (SecretsModule is global).
 */
@Module({
  imports: [deliveryConfigSection.forFeature(), ClockModule],
  providers: [
    { provide: CodeDelivery, inject: [DeliveryConfig, SecretsService, Clock], useFactory: createCodeDelivery },
    DeliveryService,
    DeliveryHealthIndicator,
    DeliveryDoctor,
  ],
  exports: [DeliveryService],
})
export class DeliveryModule {}
