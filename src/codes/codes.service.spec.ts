import { CodesService } from './codes.service.js';
import { NumberApi } from '../number-api/number-api.js';
import { CodeQueue, type CodeMessage } from '../queue/code-queue.js';
import { NumberApiStatusError } from '../number-api/number-api.errors.js';
import { QueueUnavailableError } from '../queue/queue.errors.js';
import { CODE_PATTERN } from './code-generator.js';

class FixedNumbers extends NumberApi {
  constructor(private readonly answer: () => Promise<number>) {
    super();
  }
  getNumber() {
    return this.answer();
  }
  async ping() {}
}

class RecordingQueue extends CodeQueue {
  readonly sent: CodeMessage[] = [];
  fail = false;
  async send(message: CodeMessage) {
    if (this.fail) throw new QueueUnavailableError('HTTP 503');
    this.sent.push(message);
  }
  async ping() {}
}

describe('CodesService', () => {
  const clock = () => new Date('2026-11-24T10:00:00.123Z');

  it('builds the code around the number, stamps ISO UTC time, queues it, then returns the same object', async () => {
    const queue = new RecordingQueue();
    const issued = await new CodesService(new FixedNumbers(async () => 161), queue, clock).issue();
    expect(issued.code).toMatch(CODE_PATTERN);
    expect(issued.code.split('-')[1]).toBe('161');
    expect(issued.timestamp).toBe('2026-11-24T10:00:00.123Z');
    expect(queue.sent).toEqual([issued]);
  });

  it('queues nothing when the number API fails', async () => {
    const queue = new RecordingQueue();
    const service = new CodesService(new FixedNumbers(() => Promise.reject(new NumberApiStatusError(500))), queue, clock);
    await expect(service.issue()).rejects.toBeInstanceOf(NumberApiStatusError);
    expect(queue.sent).toEqual([]);
  });

  it('returns no code when the queue fails', async () => {
    const queue = new RecordingQueue();
    queue.fail = true;
    await expect(new CodesService(new FixedNumbers(async () => 7), queue, clock).issue()).rejects.toBeInstanceOf(QueueUnavailableError);
  });
});
