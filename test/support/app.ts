import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/apps/api/app.factory.js';
import type { AzuriteHandle } from './azurite.js';
import type { NumberApiDouble } from './number-api-double.js';

export interface RunningApp {
  app: NestExpressApplication;
  url: string;
  close(): Promise<void>;
}

/** Quiet logs unless a test run sets TEST_LOG_LEVEL (e.g. debug). */
export const TEST_LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';

/** The API built from `env` exactly as main.ts builds it, listening on a free loopback port. */
export async function startApp(env: Record<string, string | undefined>): Promise<RunningApp> {
  const app = await createApp({ LOG_LEVEL: TEST_LOG_LEVEL, NODE_ENV: 'test', ...env });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/**
 * The environment of an API wired to a test Azurite and number API double (local secrets, queue
 * created on start), plus `extra`.
 */
export function getcodeEnv(
  azurite: AzuriteHandle,
  numbers: NumberApiDouble,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    THIRD_PARTY_API_ENDPOINT: numbers.url,
    SECRET_THIRD_PARTY_API_KEY: numbers.validKey,
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    QUEUE_CREATE_IF_MISSING: 'true',
    // getcode writes the code table before it answers (issue 10).
    CODE_TABLE_CREATE_IF_MISSING: 'true',
    ...extra,
  };
}
