import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalStackPart } from './parts.js';
import { AZURITE_ACCOUNT, AZURITE_DEV_CONNECTION_STRING } from '../../azure/azurite.js';

/** The function key shared by the local number API and the app, through the local secret store. */
export const LOCAL_FUNCTION_KEY = 'local-dev-function-key';

/** Where each part of `npm start` listens. Tests that run the stack give free ports instead. */
export interface LocalStackPorts {
  azuriteQueue: number;
  azuriteTable: number;
  numberApi: number;
  watcherOps: number;
  tikiStandin: number;
  devIdp: number;
  /** MailDev: SMTP, where the API sends step-up codes. */
  smtp: number;
  /** MailDev: the mailbox's web UI and REST API. */
  mailbox: number;
  /** Seed 003's details and reviews stand-ins (the product page). */
  details: number;
  reviews: number;
  api: number;
}

export const LOCAL_STACK_PORTS: LocalStackPorts = {
  azuriteQueue: 10001,
  azuriteTable: 10002,
  numberApi: 7071,
  watcherOps: 9464,
  tikiStandin: 7072,
  devIdp: 4000,
  smtp: 1025,
  mailbox: 1080,
  details: 7073,
  reviews: 7074,
  api: 3000,
};

/** Environment every part gets, unless the developer's own environment sets a variable. */
export function localStackEnv(ports: LocalStackPorts = LOCAL_STACK_PORTS): Record<string, string> {
  const azurite =
    ports.azuriteQueue === LOCAL_STACK_PORTS.azuriteQueue && ports.azuriteTable === LOCAL_STACK_PORTS.azuriteTable
      ? AZURITE_DEV_CONNECTION_STRING
      : AZURITE_DEV_CONNECTION_STRING.replace(':10001/', `:${ports.azuriteQueue}/`).replace(':10002/', `:${ports.azuriteTable}/`);
  return {
    NODE_ENV: 'development',
    SECRETS_PROVIDER: 'local',
    SECRET_THIRD_PARTY_API_KEY: LOCAL_FUNCTION_KEY,
    THIRD_PARTY_API_ENDPOINT: `http://127.0.0.1:${ports.numberApi}/api/RandomNumber`,
    AZURE_STORAGE_CONNECTION_STRING: azurite,
    QUEUE_CREATE_IF_MISSING: 'true',
    CODE_TABLE_CREATE_IF_MISSING: 'true',
    // An idle local watcher still picks up a new code within 2 s (Azure default back-off tops out at 60 s).
    WATCHER_POLL_MAX_MS: '2000',
    PUBLIC_BASE_URL: `http://localhost:${ports.api}`,
    // Tini App routes against the local Tiki stand-in; both read the secret from the local store.
    TINIAPP_CLIENT_KEY: 'local-dev-tiniapp-client-key',
    SECRET_TINIAPP_CLIENT_SECRET: 'local-dev-tiniapp-client-secret',
    TINIAPP_API_BASE_URL: `http://127.0.0.1:${ports.tikiStandin}/tiniapp-open-api`,
    // Login against the embedded dev IdP (demo / demo-password); these values are for local use only.
    AUTH_PROVIDER: 'dev',
    OIDC_ISSUER_URL: `http://localhost:${ports.devIdp}`,
    OIDC_CLIENT_ID: 'integrated-auth-app',
    SECRET_SESSION_SECRET: 'local-dev-session-secret-change-me-0123456789',
    // Seed 003's product page calls the details and reviews stand-ins with tokens exchanged for their
    // audiences at the dev IdP; /auth/verify may mint those two as well (forward auth, see
    // docs/protecting-services.md).
    DETAILS_API_URL: `http://127.0.0.1:${ports.details}`,
    REVIEWS_API_URL: `http://127.0.0.1:${ports.reviews}`,
    AUTH_VERIFY_AUDIENCES: 'details-api,reviews-api',
    // Step-up codes go to MailDev: open the mailbox URL npm start prints to read them.
    CODE_DELIVERY: 'smtp',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(ports.smtp),
    MAIL_FROM: '"Integrated auth (local)" <no-reply@localhost>',
  };
}

export const LOCAL_STACK_ENV: Record<string, string> = localStackEnv();

/** The dev client secret, for the secret methods only (the app's and the dev IdP's copy). */
const LOCAL_CLIENT_SECRET = { SECRET_OIDC_CLIENT_SECRET: 'dev-client-secret' };

/** Where `AUTH_CLIENT_AUTH=private_key_jwt npm start` keeps the app's signing key (generated once, git-ignored). */
export const LOCAL_CLIENT_KEY_FILE = '.data/oidc-client-key.json';

/**
 * The environment of every part: the embedded defaults (for `ports`), the developer's own
 * variables over them, and what the chosen AUTH_CLIENT_AUTH needs. A client secret only for the
 * secret methods; for private_key_jwt a local RSA key (SECRET_OIDC_CLIENT_KEY_FILE, created on first
 * use) whose public half the app serves and the dev IdP fetches: no client secret anywhere.
 */
export function localStackEnvironment(
  env: Record<string, string | undefined>,
  keyFile = LOCAL_CLIENT_KEY_FILE,
  ports: LocalStackPorts = LOCAL_STACK_PORTS,
): Record<string, string | undefined> {
  const defaults = localStackEnv(ports);
  const merged: Record<string, string | undefined> = { ...env, ...defaults, ...pickDefined(env, Object.keys(defaults)) };
  const method = merged.AUTH_CLIENT_AUTH ?? 'client_secret_basic';
  if (method === 'client_secret_basic' || method === 'client_secret_post') return { ...LOCAL_CLIENT_SECRET, ...merged };
  if (method === 'private_key_jwt' && !merged.SECRET_OIDC_CLIENT_KEY && !merged.SECRET_OIDC_CLIENT_KEY_FILE) {
    ensureLocalClientKey(keyFile);
    return { ...merged, SECRET_OIDC_CLIENT_KEY_FILE: keyFile };
  }
  return merged;
}

/** An RSA 2048 private JWK at `file`, unless one is there already (readable by its owner only). */
export function ensureLocalClientKey(file: string): void {
  if (existsSync(file)) return;
  mkdirSync(dirname(file), { recursive: true });
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  writeFileSync(file, `${JSON.stringify(jwk)}\n`, { mode: 0o600 });
}

function pickDefined(env: Record<string, string | undefined>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.flatMap((k) => (env[k] === undefined ? [] : [[k, env[k]!]])));
}

function packageFile(name: string, ...path: string[]): string {
  const root = dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  return relative(process.cwd(), join(root, ...path));
}

/** MailDev's bin, beside its entry point (the package exports only that, for `import`, not its package.json). */
function maildevBin(): string {
  return relative(process.cwd(), join(dirname(fileURLToPath(import.meta.resolve('maildev'))), 'bin', 'maildev.js'));
}

function azurite(service: 'queue' | 'table', port: number, dataDir: string): LocalStackPart {
  return {
    name: `azurite-${service}`,
    script: packageFile('azurite', 'dist', 'src', service, 'main.js'),
    args: [`--${service}Host`, '127.0.0.1', `--${service}Port`, String(port), '--location', dataDir, '--skipApiVersionCheck', '--disableProductStyleUrl', '--silent'],
    ports: [{ port, what: `Azurite ${service}` }],
    readyWhen: /successfully (listens|started)/,
    stopSignal: 'SIGINT',
    stoppedWhen: /successfully closed/,
    urls: [{ label: `Azurite ${service}`, url: `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}` }],
  };
}

export interface LocalStackOptions {
  ports?: LocalStackPorts;
  /** Azurite's data (default `.data/azurite`, kept between runs). */
  dataDir?: string;
}

/** Started in this order; stopped in reverse. */
export function localStackParts(env: Record<string, string | undefined>, options: LocalStackOptions = {}): LocalStackPart[] {
  const ports = options.ports ?? LOCAL_STACK_PORTS;
  const dataDir = options.dataDir ?? '.data/azurite';
  const apiPort = Number(env.PORT ?? ports.api);
  return [
    azurite('queue', ports.azuriteQueue, dataDir),
    azurite('table', ports.azuriteTable, dataDir),
    {
      name: 'number-api',
      script: 'dist/dev/number-api/main.js',
      env: { NUMBER_API_PORT: String(ports.numberApi) },
      ports: [{ port: ports.numberApi, what: 'the number API' }],
      readyWhen: /Number API listening/,
      urls: [{ label: 'Number API', url: `http://127.0.0.1:${ports.numberApi}/api/RandomNumber?code=${LOCAL_FUNCTION_KEY}` }],
    },
    {
      name: 'watcher',
      script: 'dist/apps/watcher/main.js',
      env: { OPS_PORT: String(ports.watcherOps) },
      ports: [{ port: ports.watcherOps, what: 'the watcher (health and metrics, OPS_PORT)' }],
      readyWhen: /Watcher receiving/,
    },
    {
      name: 'tiki-standin',
      script: 'dist/dev/tiki-standin/main.js',
      env: { TIKI_STANDIN_PORT: String(ports.tikiStandin) },
      ports: [{ port: ports.tikiStandin, what: 'the Tiki stand-in (Tini App auth)' }],
      readyWhen: /Tiki stand-in listening/,
      urls: [{ label: 'Tiki stand-in', url: `http://127.0.0.1:${ports.tikiStandin}/tiniapp-open-api` }],
    },
    {
      name: 'dev-idp',
      script: 'dist/dev/dev-idp/main.js',
      env: { DEV_IDP_PORT: String(ports.devIdp) },
      ports: [{ port: ports.devIdp, what: 'the dev IdP (AUTH_PROVIDER=dev)' }],
      readyWhen: /Dev IdP listening/,
      urls: [{ label: 'Dev IdP (demo / demo-password)', url: `http://localhost:${ports.devIdp}/.well-known/openid-configuration` }],
    },
    {
      // The dev mailbox: step-up codes sent by SMTP land here (npm's maildev, in memory).
      name: 'maildev',
      script: maildevBin(),
      args: ['--smtp', String(ports.smtp), '--web', String(ports.mailbox), '--ip', '127.0.0.1', '--web-ip', '127.0.0.1'],
      ports: [
        { port: ports.smtp, what: 'MailDev SMTP (where step-up codes are sent)' },
        { port: ports.mailbox, what: 'MailDev web UI' },
      ],
      readyWhen: /Press Ctrl\+C to stop/,
      urls: [{ label: 'Mailbox (MailDev: step-up codes)', url: `http://localhost:${ports.mailbox}/` }],
    },
    {
      name: 'details',
      script: 'dist/dev/details/main.js',
      env: { DETAILS_STANDIN_PORT: String(ports.details) },
      ports: [{ port: ports.details, what: 'the details service stand-in (seed 003)' }],
      readyWhen: /details stand-in listening/,
    },
    {
      name: 'reviews',
      script: 'dist/dev/reviews/main.js',
      env: { REVIEWS_STANDIN_PORT: String(ports.reviews) },
      ports: [{ port: ports.reviews, what: 'the reviews service stand-in (seed 003)' }],
      readyWhen: /reviews stand-in listening/,
    },
    {
      name: 'api',
      script: 'dist/apps/api/main.js',
      env: { PORT: String(apiPort) },
      ports: [{ port: apiPort, what: 'the API (PORT)' }],
      readyWhen: /API listening/,
      urls: [
        { label: 'Home', url: `http://localhost:${apiPort}/` },
        { label: 'Account (needs a second factor)', url: `http://localhost:${apiPort}/account` },
        { label: 'Get a code', url: `http://localhost:${apiPort}/api/v1/getcode` },
        { label: 'Product page (details + reviews, exchanged tokens)', url: `http://localhost:${apiPort}/productpage` },
        { label: 'API docs', url: `http://localhost:${apiPort}/docs` },
        { label: 'Readiness', url: `http://localhost:${apiPort}/health/ready` },
      ],
    },
  ];
}
