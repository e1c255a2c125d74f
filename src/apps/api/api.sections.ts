import type { ConfigSection } from '../../config/config-section.js';
import { httpConfigSection } from '../../config/http.config.js';
import { runtimeConfigSection } from '../../config/runtime.config.js';
import { loggingConfigSection } from '../../common/logging.config.js';
import { secretsConfigSection } from '../../secrets/secrets.config.js';
import { numberApiConfigSection } from '../../number-api/number-api.config.js';
import { queueConfigSection } from '../../queue/queue.config.js';
import { codeTableConfigSection } from '../../code-table/code-table.config.js';
import { verificationConfigSection } from '../../verification/verification.config.js';
import { tiniAppConfigSection } from '../../tiniapp/tiniapp.config.js';
import { observabilityConfigSection } from '../../observability/observability.config.js';
import { authConfigSection } from '../../auth/auth.config.js';
import { codesConfigSection } from '../../codes/codes.config.js';
import { rateLimitConfigSection } from '../../rate-limit/rate-limit.config.js';
import { redisConfigSection } from '../../redis/redis.config.js';

/** The API's configuration: one section per capability. A new capability adds its section here. */
export const API_CONFIG_SECTIONS: ReadonlyArray<ConfigSection<object>> = [
  runtimeConfigSection,
  httpConfigSection,
  loggingConfigSection,
  secretsConfigSection,
  numberApiConfigSection,
  queueConfigSection,
  codeTableConfigSection,
  verificationConfigSection,
  tiniAppConfigSection,
  observabilityConfigSection,
  authConfigSection,
  codesConfigSection,
  rateLimitConfigSection,
  redisConfigSection,
];
