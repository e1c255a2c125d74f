import { SmsClient } from '@azure/communication-sms';
import { azureCredential } from '../../azure/azure-credential.js';
import { Clock } from '../../common/clock.js';
import { CodeDelivery, type CodeNotice } from '../code-delivery.js';
import { codeSms } from '../code-message.js';
import type { DeliveryConfig } from '../delivery.config.js';
import type { Destination } from '../destination.js';
import { ACS_RETRY, identityCanReachAcs } from './acs.js';

/**
 * CODE_DELIVERY=acs-sms: Azure Communication Services SMS from SMS_FROM with the shared Azure
 * credential, for users whose IdP gives a verified `phone_number`. The service answers 202 with a
 * result per recipient; only a successful one counts as sent.
 */
export class AcsSmsDelivery extends CodeDelivery {
  readonly channel = 'acs-sms' as const;
  readonly reaches = 'phone' as const;
  private readonly client: SmsClient;
  private readonly from: string;

  constructor(
    private readonly config: Pick<DeliveryConfig, 'appName' | 'acsEndpoint' | 'smsFrom'>,
    private readonly clock: Clock,
  ) {
    super();
    if (!config.acsEndpoint || !config.smsFrom) throw new Error('CODE_DELIVERY=acs-sms needs ACS_ENDPOINT and SMS_FROM');
    this.client = new SmsClient(config.acsEndpoint, azureCredential(), { retryOptions: ACS_RETRY });
    this.from = config.smsFrom;
  }

  async send(to: Destination, notice: CodeNotice, signal: AbortSignal): Promise<void> {
    if (to.kind !== 'phone') throw new Error('ACS SMS sends to phone numbers only');
    const [result] = await this.client.send(
      { from: this.from, to: [to.number], message: codeSms(this.config.appName, notice, this.clock.date()) },
      { abortSignal: signal, enableDeliveryReport: false, tag: 'step-up' },
    );
    if (!result?.successful) throw new Error(`ACS SMS refused the recipient (HTTP ${result?.httpStatusCode ?? '?'}${result?.errorMessage ? `: ${result.errorMessage}` : ''})`);
  }

  ping(signal: AbortSignal): Promise<void> {
    return identityCanReachAcs(signal);
  }
}
