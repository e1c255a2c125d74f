import { EmailClient } from '@azure/communication-email';
import { azureCredential } from '../../azure/azure-credential.js';
import { Clock } from '../../common/clock.js';
import { CodeDelivery, type CodeNotice } from '../code-delivery.js';
import { codeMail } from '../code-message.js';
import { type DeliveryConfig, senderAddress } from '../delivery.config.js';
import type { Destination } from '../destination.js';
import { ACS_RETRY, identityCanReachAcs } from './acs.js';

/**
 * CODE_DELIVERY=acs-email: Azure Communication Services Email with the process's one Azure
 * credential (managed identity; no connection string, no access key). A send is done when the
 * service's operation ends `Succeeded`, polled every ACS_EMAIL_POLL_INTERVAL_MS; `Failed` (e.g.
 * EmailDropped) and the deadline are failures.
 */
export class AcsEmailDelivery extends CodeDelivery {
  readonly channel = 'acs-email' as const;
  readonly reaches = 'email' as const;
  private readonly client: EmailClient;
  private readonly sender: string;

  constructor(
    private readonly config: Pick<DeliveryConfig, 'appName' | 'mailFrom' | 'acsEndpoint' | 'acsEmailPollIntervalMs'>,
    private readonly clock: Clock,
  ) {
    super();
    if (!config.acsEndpoint || !config.mailFrom) throw new Error('CODE_DELIVERY=acs-email needs ACS_ENDPOINT and MAIL_FROM');
    this.client = new EmailClient(config.acsEndpoint, azureCredential(), { retryOptions: ACS_RETRY });
    this.sender = senderAddress(config.mailFrom)!;
  }

  async send(to: Destination, notice: CodeNotice, signal: AbortSignal): Promise<void> {
    if (to.kind !== 'email') throw new Error('ACS Email sends to e-mail addresses only');
    const mail = codeMail(this.config.appName, notice, this.clock.date());
    const poller = await this.client.beginSend(
      { senderAddress: this.sender, content: { subject: mail.subject, plainText: mail.text, html: mail.html }, recipients: { to: [{ address: to.address }] } },
      { updateIntervalInMs: this.config.acsEmailPollIntervalMs, abortSignal: signal },
    );
    const result = await poller.pollUntilDone({ abortSignal: signal });
    if (result.status !== 'Succeeded') throw new Error(`ACS Email operation ended ${result.status}${result.error?.code ? ` (${result.error.code})` : ''}`);
  }

  ping(signal: AbortSignal): Promise<void> {
    return identityCanReachAcs(signal);
  }
}
