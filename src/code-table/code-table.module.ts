import { Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { everyInterval } from '../common/periodic-task.js';
import { Clock, ClockModule } from '../common/clock.js';
import { CodeTableConfig, codeTableConfigSection } from './code-table.config.js';
import { CodeTableDoctor } from './code-table.doctor.js';
import { CodeTableHealthIndicator } from './code-table.health.js';
import { CodeTable } from './code-table.js';
import { AzureTableCodeTable } from './azure-table-code-table.js';

/** Rows are swept this long after their life ended: the watcher's expiry message (on time) deletes codes first. */
export const SWEEP_GRACE_MS = 5 * 60_000;

/**
 * The valid-code table. Azurite vs Azure Storage (key or managed identity) is configuration
 * (CodeTableConfig), not another class; the module exports only the contract. Every process that
 * uses it sweeps it (STORAGE_SWEEP_INTERVAL_SECONDS): Table Storage has no TTL.
 */
@Module({
  imports: [codeTableConfigSection.forFeature(), ClockModule],
  providers: [{ provide: CodeTable, useClass: AzureTableCodeTable }, CodeTableHealthIndicator, CodeTableDoctor],
  exports: [CodeTable],
})
export class CodeTableModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CodeTable');
  private stopSweeping?: () => void;

  constructor(
    private readonly table: CodeTable,
    private readonly config: CodeTableConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.stopSweeping = everyInterval(
      this.config.sweepIntervalMs,
      async () => {
        const swept = await this.table.sweepExpired(new Date(this.clock.now() - SWEEP_GRACE_MS));
        if (swept) this.logger.log(`Swept ${swept} ended row(s) (codes, owners' lists, attempt budgets) from the code table`);
      },
      this.logger,
      'Sweeping the code table',
    );
  }

  onApplicationShutdown(): void {
    this.stopSweeping?.();
  }
}
