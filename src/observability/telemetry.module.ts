import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ObservabilityConfig, observabilityConfigSection } from './observability.config.js';
import { TELEMETRY } from './observability.constants.js';
import { startTelemetry, type Telemetry } from './telemetry.js';

/** The process's OpenTelemetry SDK (TELEMETRY), for processes with or without an HTTP API. */
@Module({
  imports: [observabilityConfigSection.forFeature()],
  providers: [{ provide: TELEMETRY, inject: [ObservabilityConfig], useFactory: startTelemetry }],
  exports: [TELEMETRY],
})
export class TelemetryModule implements OnApplicationShutdown {
  constructor(@Inject(TELEMETRY) private readonly telemetry: Telemetry) {}

  /** Spans still buffered would be lost with the process. */
  async onApplicationShutdown(): Promise<void> {
    await this.telemetry.flush().catch(() => undefined);
  }
}
