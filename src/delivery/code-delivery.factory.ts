import type { Clock } from '../common/clock.js';
import type { SecretsService } from '../secrets/secrets.service.js';
import type { CodeDelivery } from './code-delivery.js';
import type { DeliveryConfig } from './delivery.config.js';
import { ResponseDelivery } from './channels/response-delivery.js';

/**
 * Builds only the configured delivery, and loads only its SDK: nodemailer is not loaded for ACS,
 * and neither ACS SDK for SMTP or `response` (each implementation imports its SDK statically, and
 * is itself imported here only when chosen).
 */
export async function createCodeDelivery(config: DeliveryConfig, secrets: Pick<SecretsService, 'get' | 'refresh'>, clock: Clock): Promise<CodeDelivery> {
  switch (config.channel) {
    case 'response':
      return new ResponseDelivery();
    case 'smtp': {
      const { SmtpDelivery } = await import('./channels/smtp-delivery.js');
      return new SmtpDelivery(config, secrets, clock);
    }
    case 'acs-email': {
      const { AcsEmailDelivery } = await import('./channels/acs-email-delivery.js');
      return new AcsEmailDelivery(config, clock);
    }
    case 'acs-sms': {
      const { AcsSmsDelivery } = await import('./channels/acs-sms-delivery.js');
      return new AcsSmsDelivery(config, clock);
    }
  }
}
