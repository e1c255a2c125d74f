import type { ConfigSection } from '../../config/config-section.js';
import { httpConfigSection } from '../../config/http.config.js';
import { runtimeConfigSection } from '../../config/runtime.config.js';
import { loggingConfigSection } from '../../common/logging.config.js';
import { secretsConfigSection } from '../../secrets/secrets.config.js';
import { tiniAppConfigSection } from '../../tiniapp/tiniapp.config.js';
import { rateLimitConfigSection } from '../../rate-limit/rate-limit.config.js';
import { redisConfigSection } from '../../redis/redis.config.js';

/**
 * The configuration of the Tini App backend on its own (`node dist/apps/tiniapp-backend/main.js`): what seed
 * 004 deploys to Cloud Run, which has no number API or Azure queue to configure.
 */
export const TINIAPP_BACKEND_CONFIG_SECTIONS: ReadonlyArray<ConfigSection<object>> = [
  runtimeConfigSection,
  httpConfigSection,
  loggingConfigSection,
  secretsConfigSection,
  tiniAppConfigSection,
  // THROTTLE_STORE=memory (default) or redis with REDIS_URL, as the API.
  rateLimitConfigSection,
  redisConfigSection,
];
