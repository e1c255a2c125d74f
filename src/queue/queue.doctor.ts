import { Injectable } from '@nestjs/common';
import { createQueueClient } from '../azure/storage-clients.js';
import { probeStorage } from '../azure/storage-checks.js';
import { check, Diagnoses, type DoctorCheck, type DoctorChecks } from '../doctor/doctor-check.js';
import { codeQueueResource } from './azure-storage-code-queue.js';
import { QueueConfig } from './queue.config.js';

/** Probe messages live at most this long and stay invisible, so no watcher ever receives one (they are deleted at once anyway). */
const PROBE_TTL_SECONDS = 120;

/**
 * The code queue exists, and the app's identity can write it: a probe message sent (invisible to
 * the watcher) and deleted again. Through the same client builder and credential as getcode.
 */
@Injectable()
@Diagnoses()
export class QueueDoctor implements DoctorChecks {
  constructor(private readonly config: QueueConfig) {}

  checks(): DoctorCheck[] {
    const resource = codeQueueResource(this.config);
    const connection = this.config.queueUrl ? 'STORAGE_QUEUE_URL' : 'AZURE_STORAGE_CONNECTION_STRING';
    const client = () => createQueueClient(this.config, this.config.queueName);
    return [
      check('queue', () =>
        probeStorage(
          resource,
          async () => {
            await client().getProperties();
            return `queue "${resource.name}" exists`;
          },
          connection,
        ),
      ),
      check(
        'queue.write',
        () =>
          probeStorage(
            resource,
            async () => {
              const queue = client();
              const sent = await queue.sendMessage('doctor-probe', { visibilityTimeout: PROBE_TTL_SECONDS - 1, messageTimeToLive: PROBE_TTL_SECONDS });
              await queue.deleteMessage(sent.messageId, sent.popReceipt);
              return `a probe message was sent to "${resource.name}" and deleted (it needs "${resource.role}")`;
            },
            connection,
          ),
        { atBoot: false },
      ),
    ];
  }
}
