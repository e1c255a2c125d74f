import { z } from 'zod';
import { defineConfigSection } from '../../config/config-section.js';
import { type LogFormat, logFormatVariable } from '../../common/logging.config.js';

/** What `npm start` (the local stack supervisor) itself reads. */
export class LocalStackConfig {
  /** How the supervisor shows its parts' logs; they always print JSON to it. */
  readonly logFormat!: LogFormat;
}

export const localStackConfigSection = defineConfigSection(
  'localStack',
  LocalStackConfig,
  z.object({ LOG_FORMAT: logFormatVariable('pretty') }),
  (v) => ({ logFormat: v.LOG_FORMAT }),
);
