import type { ConfigSection } from './config-section.js';
import { httpConfigSection } from './http.config.js';
import { secretsConfigSection } from '../secrets/secrets.config.js';
import { numberApiConfigSection } from '../number-api/number-api.config.js';
import { queueConfigSection } from '../queue/queue.config.js';
import { codeTableConfigSection } from '../code-table/code-table.config.js';
import { codesConfigSection } from '../codes/codes.config.js';
import { verificationConfigSection } from '../verification/verification.config.js';
import { tiniAppConfigSection } from '../tiniapp/tiniapp.config.js';
import { observabilityConfigSection } from '../observability/observability.config.js';
import { authConfigSection } from '../auth/auth.config.js';

/** The API's configuration: one section per capability. A new capability adds its section here. */
export const API_CONFIG_SECTIONS: ReadonlyArray<ConfigSection<object>> = [
  httpConfigSection,
  secretsConfigSection,
  numberApiConfigSection,
  queueConfigSection,
  codeTableConfigSection,
  codesConfigSection,
  verificationConfigSection,
  tiniAppConfigSection,
  observabilityConfigSection,
  authConfigSection,
];
