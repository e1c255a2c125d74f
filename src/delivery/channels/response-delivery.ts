import { CodeDelivery, type CodeNotice } from '../code-delivery.js';
import type { Destination } from '../destination.js';
import { NoSecondChannelError } from '../delivery.errors.js';

/**
 * CODE_DELIVERY=response: the code goes back in the answer, as the sample's public
 * `GET /api/v1/getcode` does. That proves nothing about a second channel, so this delivery reaches
 * no destination: the step-up flow says so instead of sending, and only an IdP's own step-up
 * (STEP_UP_ACR) satisfies a route that requires a second factor.
 */
export class ResponseDelivery extends CodeDelivery {
  readonly channel = 'response' as const;
  readonly reaches = undefined;

  send(_to: Destination, _notice: CodeNotice): Promise<void> {
    return Promise.reject(new NoSecondChannelError());
  }

  async ping(): Promise<void> {}
}
