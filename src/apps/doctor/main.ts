import { printClientJwks, runDoctor } from './doctor.runner.js';

/**
 * The doctor for a deployment (`node dist/apps/doctor/main.js`, in the image too): the
 * configuration from the environment only, as the API would start with it. `jwks` prints the
 * client's public keys instead. Locally, `npm run doctor` adds the local stack's defaults.
 */
async function main(): Promise<void> {
  const code = process.argv.includes('jwks')
    ? await printClientJwks(process.env, (line) => console.log(line))
    : await runDoctor(process.env, (line) => console.log(line), 'the configuration from the environment');
  process.exit(code);
}

main().catch((error: unknown) => {
  console.error('The doctor could not run:', error);
  process.exit(2);
});
