import { Injectable } from '@nestjs/common';
import { CodeTable } from '../code-table/code-table.js';

/**
 * Verifies a code once: the table checks expiresAt itself (the watcher may lag or be down) and
 * consumes the row under an ETag condition, so concurrent verifications yield a single `true`.
 */
@Injectable()
export class VerificationService {
  constructor(
    private readonly table: CodeTable,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async verify(code: string): Promise<boolean> {
    return this.table.consume(code.trim(), this.clock());
  }
}
