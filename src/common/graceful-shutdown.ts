import type { LoggerService } from '@nestjs/common';

export interface GracefulShutdownOptions {
  /** What "shutting down" means for this process, for the log line. */
  finishing: string;
  /** What is left behind if the timeout hits, for the log line. */
  onTimeout?: string;
  timeoutMs: number;
  logger: LoggerService;
}

/**
 * On SIGTERM/SIGINT: log, run `close` (Nest's app.close(): stop accepting, finish in-flight work,
 * shutdown hooks), exit 0 — or exit 1 if it fails or outlasts `timeoutMs`. Shared by every
 * long-running entry point so they stop the same way under an orchestrator.
 */
export function exitGracefullyOnSignals(close: () => Promise<void>, options: GracefulShutdownOptions): void {
  const shutdown = (signal: NodeJS.Signals) => {
    options.logger.log(`${signal}: shutting down (${options.finishing}, up to ${options.timeoutMs} ms)`);
    const force = setTimeout(() => {
      options.logger.error(`Shutdown took longer than ${options.timeoutMs} ms; exiting anyway${options.onTimeout ? ` (${options.onTimeout})` : ''}`);
      process.exit(1);
    }, options.timeoutMs);
    force.unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        options.logger.error(`Shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
