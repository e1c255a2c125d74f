import { mkdirSync } from 'node:fs';
import { ConfigValidationError } from '../../config/config.errors.js';
import { loadConfig } from '../../config/load-config.js';
import { localStackConfigSection } from './local-stack.config.js';
import { localStackEnvironment, localStackParts } from './local-stack.parts.js';
import { readableLogLines } from './readable-log-lines.js';
import { findBusyPort, Supervisor } from './supervisor.js';

/**
 * `npm start`: the whole local stack on embedded defaults — Azurite (data under .data/), the
 * number API stand-in, the API and whatever other parts are registered — with no Azure account.
 * The developer's own environment variables override the defaults.
 */
async function main(): Promise<void> {
  const { logFormat } = loadConfig(process.env, [localStackConfigSection]).get(localStackConfigSection);
  // The parts print JSON as in production; the supervisor renders it (LOG_FORMAT=json: unchanged).
  const env = { ...localStackEnvironment(process.env), LOG_FORMAT: 'json' };
  const parts = localStackParts(env);
  const busy = await findBusyPort(parts);
  if (busy) {
    console.error(`Port ${busy.port} (${busy.what}) is already in use. Stop whatever listens there, then run npm start again.`);
    process.exit(1);
  }
  mkdirSync('.data/azurite', { recursive: true });
  const supervisor = new Supervisor(env, undefined, readableLogLines(logFormat));
  const shutdown = (signal: string) => {
    console.log(`\n[stack] ${signal}: stopping every part…`);
    void supervisor.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  try {
    await supervisor.start(parts);
  } catch (error) {
    console.error(`[stack] start-up failed: ${(error as Error).message}`);
    await supervisor.stop();
    process.exit(1);
  }
  const width = Math.max(...parts.flatMap((p) => p.urls ?? []).map((u) => u.label.length));
  console.log('\nLocal stack is up (Ctrl-C stops it):');
  for (const { label, url } of parts.flatMap((p) => p.urls ?? [])) console.log(`  ${label.padEnd(width)}  ${url}`);
  console.log('');
}


main().catch((error: unknown) => {
  console.error(error instanceof ConfigValidationError ? error.message : `[stack] ${(error as Error).message}`);
  process.exit(1);
});
