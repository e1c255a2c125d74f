import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { AppModule } from '../api/app.module.js';
import { apiConfigSections } from '../api/app.factory.js';
import { ClientAuthentication } from '../../auth/client-auth/client-authentication.js';
import type { Env } from '../../config/config-section.js';
import { ConfigValidationError } from '../../config/config.errors.js';
import { configuredRoot } from '../../config/config.module.js';
import { loadConfig, type LoadedConfig } from '../../config/load-config.js';
import { createWithConfig } from '../../config/module-sections.js';
import { type DoctorFinding, DoctorService, formatFinding } from '../../doctor/doctor.service.js';

/**
 * `npm run doctor`: the API's own configuration and module tree (validated as the API validates
 * it, built without listening), then every check its capabilities contribute, one line each.
 * Returns the exit code: 1 when anything fails. The checks are the capabilities' (`*.doctor.ts`);
 * this only runs and prints them.
 */
export async function runDoctor(env: Env, write: (line: string) => void, origin: string): Promise<number> {
  write(`Checking ${origin}`);
  const loaded = validate(env);
  if (!loaded.config) {
    print(loaded.findings, write);
    return 1;
  }
  const findings = await withApiContext(loaded.config, async (app) => [
    { check: 'config', status: 'ok' as const, found: `every variable valid (${loaded.config!.sections.length} sections)` },
    ...(await app.get(DoctorService).run()),
  ]);
  print(findings, write);
  return findings.some((f) => f.status === 'fail') ? 1 : 0;
}

/** `npm run doctor -- jwks`: the client's public keys (private_key_jwt) as the IdP should get them, for registering by hand. */
export async function printClientJwks(env: Env, write: (line: string) => void): Promise<number> {
  const { config, findings } = validate(env);
  if (!config) {
    print(findings, write);
    return 1;
  }
  return withApiContext(config, async (app) => {
    const jwks = await app.get(ClientAuthentication).publicJwks();
    if (!jwks) {
      write('AUTH_CLIENT_AUTH is not private_key_jwt: this client signs no assertions, so it has no JWKS to register.');
      return 1;
    }
    write(JSON.stringify(jwks, null, 2));
    return 0;
  });
}

function validate(env: Env): { config?: LoadedConfig; findings: DoctorFinding[] } {
  try {
    return { config: loadConfig(env, apiConfigSections()), findings: [] };
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    // `VARIABLE: what is wrong`: one line each, naming the variable.
    const findings = error.problems.map((problem): DoctorFinding => {
      const variable = /^([A-Z][A-Z0-9_]*)(?=[:, ])/.exec(problem)?.[1];
      return { check: 'config', status: 'fail', found: problem, fix: 'correct the variable (docs/configuration.md)', variable };
    });
    return { findings };
  }
}

/** The API's modules, started (the API's own start-up: stores created if it would, secrets read) but not listening; closed after `work`. */
async function withApiContext<T>(config: LoadedConfig, work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const app = await createWithConfig(config, () => NestFactory.createApplicationContext(configuredRoot(AppModule, config), { logger: false, abortOnError: false }));
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

function print(findings: DoctorFinding[], write: (line: string) => void): void {
  const width = Math.max(...findings.map((f) => f.check.length));
  for (const finding of findings) write(formatFinding(finding, width));
  const count = (status: string) => findings.filter((f) => f.status === status).length;
  write(`${findings.length} checks: ${count('ok')} ok, ${count('warn')} warn, ${count('fail')} fail`);
}
