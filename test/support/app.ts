import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/app.factory.js';

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
