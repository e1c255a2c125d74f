import { AppError } from '../common/app-error.js';

/** The channel failed or did not answer in time: the code that was to be sent is revoked. */
export class DeliveryFailedError extends AppError {
  constructor(
    readonly reason: string,
    readonly timedOut = false,
  ) {
    super('DELIVERY_FAILED', 'We could not send your code. Nothing was sent that works; try again in a moment.', 503);
  }
}

/** CODE_DELIVERY=response: codes are only handed back in answers, never sent anywhere. */
export class NoSecondChannelError extends AppError {
  constructor() {
    super(
      'NO_SECOND_CHANNEL',
      'This service has no second channel to send codes through (CODE_DELIVERY=response). Ask its operator to set CODE_DELIVERY to smtp, acs-email or acs-sms.',
      503,
    );
  }
}
