import type { ConfigSection } from '../../config/config-section.js';
import { httpConfigSection } from '../../config/http.config.js';
import { runtimeConfigSection } from '../../config/runtime.config.js';
import { loggingConfigSection } from '../../common/logging.config.js';
import { queueConfigSection } from '../../queue/queue.config.js';
import { codeTableConfigSection } from '../../code-table/code-table.config.js';
import { watcherConfigSection } from '../../watcher/watcher.config.js';
import { secretsConfigSection } from '../../secrets/secrets.config.js';
import { observabilityConfigSection } from '../../observability/observability.config.js';

/** The watcher's configuration: the same sections (and variables) as the API where they overlap. */
export const WATCHER_CONFIG_SECTIONS: ReadonlyArray<ConfigSection<object>> = [
  runtimeConfigSection,
  httpConfigSection,
  loggingConfigSection,
  queueConfigSection,
  codeTableConfigSection,
  watcherConfigSection,
  // Telemetry, and the secret store for the metrics scrape token.
  secretsConfigSection,
  observabilityConfigSection,
];
