import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { NumberApi } from '../number-api/number-api.js';
import { CodeQueue, type CodeMessage } from '../queue/code-queue.js';
import { CodeTable, type CodeIssuance, type CodeOwner, type CodePurpose } from '../code-table/code-table.js';
import { describeStorageFailure } from '../azure/storage-failure.js';
import type { AuthUser } from '../auth/auth-user.js';
import { enforceRoutePolicy } from '../auth/guard/route-policy.js';
import { formatCode, formatStepUpCode } from './code-generator.js';
import { CodesConfig } from './codes.config.js';
import { ownerOf } from './code-owner.js';

export type IssuedCode = CodeMessage;

/** A live row of another issuance holds the drawn code string this often in a row before we give up. */
const MAX_DRAWS = 5;

export type CodesPolicy = Pick<CodesConfig, 'getcodeAuth' | 'ttlSeconds' | 'maxOutstanding'>;

/**
 * Issues a code that is verifiable the moment it is returned, to callers GETCODE_AUTH allows: the
 * policy is checked here, before any work, so every route that issues a code (getcode, the home
 * page's panel, any later one) enforces it, whatever its own decorators say:
 * 0. the caller against GETCODE_AUTH (401 / 403), bound to the caller's issuer and subject if signed in;
 * 1. number from the third-party API, letters from the CSPRNG;
 * 2. the table row {state: valid, expiresAt, subject}: insert-only, so an existing code string is
 *    never overwritten (a new string is drawn instead);
 * 3. the queue message, as before (the watcher schedules the row's deletion from it);
 * 4. for a signed-in caller, the owner's list of outstanding codes (the commit point of a bound
 *    code: resend semantics, CODE_MAX_OUTSTANDING).
 * The code is returned only when every write succeeded. If a later write fails, the row is revoked
 * (best effort) before the error answer; if even that fails, the row still dies at its own
 * expiresAt, and a bound row that never reached its owner's list never verifies at all.
 *
 * A `step-up` code (a second factor, sent out of band by its caller) goes through the same steps
 * with three differences: it is always bound to its owner, its row and queue message say its
 * purpose, and it has its own format (digits, see formatStepUpCode) and its own outstanding list of
 * one, so a new one replaces the last step-up code and leaves the owner's getcode codes alone.
 */
@Injectable()
export class CodesService {
  private readonly logger = new Logger(CodesService.name);

  constructor(
    private readonly numbers: NumberApi,
    private readonly queue: CodeQueue,
    private readonly table: CodeTable,
    @Inject(CodesConfig) private readonly policy: CodesPolicy,
    private readonly clock: Clock,
  ) {}

  async issue(caller: AuthUser | undefined): Promise<IssuedCode> {
    enforceRoutePolicy(this.policy.getcodeAuth, caller);
    return this.issueFor(ownerOf(caller), 'public');
  }

  /**
   * A step-up code for its owner. GETCODE_AUTH does not apply: who may ask is the step-up room's
   * rule (a signed-in session), and the code goes only to the owner's verified destination.
   */
  async issueStepUp(owner: CodeOwner): Promise<IssuedCode> {
    return this.issueFor(owner, 'step-up');
  }

  private async issueFor(owner: CodeOwner | undefined, purpose: CodePurpose): Promise<IssuedCode> {
    const value = await this.numbers.getNumber();
    const issuance = await this.store(value, owner, purpose);
    const issued: IssuedCode = { code: issuance.code, timestamp: issuance.issuedAt.toISOString() };
    try {
      await this.queue.send(purpose === 'public' ? issued : { ...issued, purpose });
      const maxOutstanding = purpose === 'public' ? this.policy.maxOutstanding : 1;
      if (issuance.owner) await this.table.commitOwned({ ...issuance, owner: issuance.owner }, maxOutstanding, this.clock.date());
    } catch (error) {
      await this.table.revoke(issuance, this.clock.date()).catch((revokeError: unknown) => {
        // Not verifiable past its expiresAt anyway (the table checks it on every verify).
        this.logger.warn(`Could not revoke an issued-but-unreturned code; it lapses at its expiresAt: ${describeStorageFailure(revokeError)}`);
      });
      throw error;
    }
    return issued;
  }

  /** Revokes an issued code its caller could not use (a step-up code whose delivery failed). */
  async revoke(issued: IssuedCode): Promise<void> {
    await this.table.revoke({ code: issued.code, issuedAt: new Date(issued.timestamp) }, this.clock.date());
  }

  private async store(value: number, owner: CodeOwner | undefined, purpose: CodePurpose): Promise<CodeIssuance> {
    for (let draw = 0; draw < MAX_DRAWS; draw++) {
      const issuedAt = this.clock.date();
      const issuance: CodeIssuance = {
        code: purpose === 'step-up' ? formatStepUpCode(value) : formatCode(value),
        issuedAt,
        expiresAt: new Date(issuedAt.getTime() + this.policy.ttlSeconds * 1000),
        ...(owner ? { owner } : {}),
        ...(purpose === 'public' ? {} : { purpose }),
      };
      if ((await this.table.insertIssued(issuance, issuedAt)) === 'stored') return issuance;
    }
    throw new Error(`${MAX_DRAWS} code strings in a row were already in the code table`);
  }
}
