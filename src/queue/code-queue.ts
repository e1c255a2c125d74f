/** What getcode puts on the queue: the same JSON it answers with (plus trace context later). */
export interface CodeMessage {
  code: string;
  timestamp: string;
  /** W3C trace context of the request that issued the code, so the watcher's span continues it. */
  traceparent?: string;
  /** `step-up` for a second-factor code (a row the watcher would make for it is never verifiable); absent for getcode's. */
  purpose?: 'step-up';
}

/** The code-queue contract: a send resolves only once the queue has stored the message. */
export abstract class CodeQueue {
  abstract send(message: CodeMessage): Promise<void>;
  /** Resolves when the queue is reachable and exists. */
  abstract ping(): Promise<void>;
}
