import { Injectable } from '@nestjs/common';
import { NumberApi } from '../number-api/number-api.js';
import { CodeQueue, type CodeMessage } from '../queue/code-queue.js';
import { formatCode } from './code-generator.js';

export type IssuedCode = CodeMessage;

/**
 * Issues a code: number from the third-party API, letters from the CSPRNG, then the queue. The code
 * is returned only after the queue stored it, and nothing is queued when any step before fails.
 */
@Injectable()
export class CodesService {
  constructor(
    private readonly numbers: NumberApi,
    private readonly queue: CodeQueue,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async issue(): Promise<IssuedCode> {
    const value = await this.numbers.getNumber();
    const issued: IssuedCode = { code: formatCode(value), timestamp: this.clock().toISOString() };
    await this.queue.send(issued);
    return issued;
  }
}
