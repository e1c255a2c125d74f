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
    SECRET_OIDC_CLIENT_SECRET: 'dev-client-secret',
    SECRET_SESSION_SECRET: 'local-dev-session-secret-change-me-0123456789',
    // Step-up codes go to MailDev: open the mailbox URL npm start prints to read them.
    CODE_DELIVERY: 'smtp',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(ports.smtp),
    MAIL_FROM: '"Integrated auth (local)" <no-reply@localhost>',
  };
}

export const LOCAL_STACK_ENV: Record<string, string> = localStackEnv();

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
      name: 'api',
      script: 'dist/apps/api/main.js',
      env: { PORT: String(apiPort) },
      ports: [{ port: apiPort, what: 'the API (PORT)' }],
      readyWhen: /API listening/,
      urls: [
        { label: 'Home', url: `http://localhost:${apiPort}/` },
        { label: 'Account (needs a second factor)', url: `http://localhost:${apiPort}/account` },
        { label: 'Get a code', url: `http://localhost:${apiPort}/api/v1/getcode` },
        { label: 'API docs', url: `http://localhost:${apiPort}/docs` },
        { label: 'Readiness', url: `http://localhost:${apiPort}/health/ready` },
      ],
    },
  ];
}
