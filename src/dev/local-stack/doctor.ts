import { printClientJwks, runDoctor } from '../../apps/doctor/doctor.runner.js';
import { localStackEnvironment } from './local-stack.parts.js';

/**
 * `npm run doctor`: the configuration `npm start` would run the API with (its embedded defaults,
 * overridden by the environment and .env), or with `--env-only` the environment alone (a
 * deployment's). `jwks` prints the client's public keys (private_key_jwt) for registering by hand.
 */
async function main(): Promise<void> {
  const envOnly = process.argv.includes('--env-only');
  const env = envOnly ? process.env : localStackEnvironment(process.env);
  const origin = envOnly ? 'the configuration from the environment (and .env)' : "npm start's configuration: its defaults, overridden by the environment (and .env)";
  const write = (line: string) => console.log(line);
  process.exit(process.argv.includes('jwks') ? await printClientJwks(env, write) : await runDoctor(env, write, origin));
}

main().catch((error: unknown) => {
  console.error('The doctor could not run:', error);
  process.exit(2);
});
