import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import type { LocalStackPart } from './parts.js';
import { AZURITE_DEV_CONNECTION_STRING } from '../../azure/azurite.js';


/** The function key shared by the local number API and the app, through the local secret store. */
export const LOCAL_FUNCTION_KEY = 'local-dev-function-key';

/** Environment every part gets, unless the developer's own environment sets a variable. */
export const LOCAL_STACK_ENV: Record<string, string> = {
  NODE_ENV: 'development',
  SECRETS_PROVIDER: 'local',
  SECRET_THIRD_PARTY_API_KEY: LOCAL_FUNCTION_KEY,
  THIRD_PARTY_API_ENDPOINT: 'http://127.0.0.1:7071/api/RandomNumber',
  AZURE_STORAGE_CONNECTION_STRING: AZURITE_DEV_CONNECTION_STRING,
  QUEUE_CREATE_IF_MISSING: 'true',
  CODE_TABLE_CREATE_IF_MISSING: 'true',
  // An idle local watcher still picks up a new code within 2 s (Azure default back-off tops out at 60 s).
  WATCHER_POLL_MAX_MS: '2000',
  PUBLIC_BASE_URL: 'http://localhost:3000',
  // Tini App routes against the local Tiki stand-in; both read the secret from the local store.
  TINIAPP_CLIENT_KEY: 'local-dev-tiniapp-client-key',
  SECRET_TINIAPP_CLIENT_SECRET: 'local-dev-tiniapp-client-secret',
  TINIAPP_API_BASE_URL: 'http://127.0.0.1:7072/tiniapp-open-api',
  // Login against the embedded dev IdP (demo / demo-password); these values are for local use only.
  AUTH_PROVIDER: 'dev',
  OIDC_ISSUER_URL: 'http://localhost:4000',
  OIDC_CLIENT_ID: 'integrated-auth-app',
  SECRET_SESSION_SECRET: 'local-dev-session-secret-change-me-0123456789',
  // Seed 003's product page calls the details and reviews stand-ins with tokens exchanged for their
  // audiences at the dev IdP; /auth/verify may mint those two as well (forward auth, see
  // docs/protecting-services.md).
  DETAILS_API_URL: 'http://127.0.0.1:7073',
  REVIEWS_API_URL: 'http://127.0.0.1:7074',
  AUTH_VERIFY_AUDIENCES: 'details-api,reviews-api',
};

/** The dev client secret, for the secret methods only (the app's and the dev IdP's copy). */
const LOCAL_CLIENT_SECRET = { SECRET_OIDC_CLIENT_SECRET: 'dev-client-secret' };

/** Where `AUTH_CLIENT_AUTH=private_key_jwt npm start` keeps the app's signing key (generated once, git-ignored). */
export const LOCAL_CLIENT_KEY_FILE = '.data/oidc-client-key.json';

/**
 * The environment of every part: the embedded defaults, the developer's own variables over them,
 * and what the chosen AUTH_CLIENT_AUTH needs. A client secret only for the secret methods; for
 * private_key_jwt a local RSA key (SECRET_OIDC_CLIENT_KEY_FILE, created on first use) whose public
 * half the app serves and the dev IdP fetches: no client secret anywhere.
 */
export function localStackEnvironment(env: Record<string, string | undefined>, keyFile = LOCAL_CLIENT_KEY_FILE): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = { ...env, ...LOCAL_STACK_ENV, ...pickDefined(env, Object.keys(LOCAL_STACK_ENV)) };
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

function azuriteScript(service: 'queue' | 'table'): string {
  const root = dirname(createRequire(import.meta.url).resolve('azurite/package.json'));
  return relative(process.cwd(), join(root, 'dist', 'src', service, 'main.js'));
}

function azurite(service: 'queue' | 'table', port: number): LocalStackPart {
  return {
    name: `azurite-${service}`,
    script: azuriteScript(service),
    args: [`--${service}Host`, '127.0.0.1', `--${service}Port`, String(port), '--location', '.data/azurite', '--skipApiVersionCheck', '--disableProductStyleUrl', '--silent'],
    ports: [{ port, what: `Azurite ${service}` }],
    readyWhen: /successfully (listens|started)/,
    stopSignal: 'SIGINT',
    stoppedWhen: /successfully closed/,
    urls: [{ label: `Azurite ${service}`, url: `http://127.0.0.1:${port}/devstoreaccount1` }],
  };
}

/** Started in this order; stopped in reverse. */
export function localStackParts(env: Record<string, string | undefined>): LocalStackPart[] {
  const apiPort = Number(env.PORT ?? 3000);
  return [
    azurite('queue', 10001),
    azurite('table', 10002),
    {
      name: 'number-api',
      script: 'dist/dev/number-api/main.js',
      ports: [{ port: 7071, what: 'the number API' }],
      readyWhen: /Number API listening/,
      urls: [{ label: 'Number API', url: `http://127.0.0.1:7071/api/RandomNumber?code=${LOCAL_FUNCTION_KEY}` }],
    },
    {
      name: 'watcher',
      script: 'dist/apps/watcher/main.js',
      env: { OPS_PORT: '9464' },
      ports: [{ port: 9464, what: 'the watcher (health and metrics, OPS_PORT)' }],
      readyWhen: /Watcher receiving/,
    },
    {
      name: 'tiki-standin',
      script: 'dist/dev/tiki-standin/main.js',
      ports: [{ port: 7072, what: 'the Tiki stand-in (Tini App auth)' }],
      readyWhen: /Tiki stand-in listening/,
      urls: [{ label: 'Tiki stand-in', url: 'http://127.0.0.1:7072/tiniapp-open-api' }],
    },
    {
      name: 'dev-idp',
      script: 'dist/dev/dev-idp/main.js',
      ports: [{ port: 4000, what: 'the dev IdP (AUTH_PROVIDER=dev)' }],
      readyWhen: /Dev IdP listening/,
      urls: [{ label: 'Dev IdP (demo / demo-password)', url: 'http://localhost:4000/.well-known/openid-configuration' }],
    },
    {
      name: 'details',
      script: 'dist/dev/details/main.js',
      ports: [{ port: 7073, what: 'the details service stand-in (seed 003)' }],
      readyWhen: /details stand-in listening/,
    },
    {
      name: 'reviews',
      script: 'dist/dev/reviews/main.js',
      ports: [{ port: 7074, what: 'the reviews service stand-in (seed 003)' }],
      readyWhen: /reviews stand-in listening/,
    },
    {
      name: 'api',
      script: 'dist/apps/api/main.js',
      ports: [{ port: apiPort, what: 'the API (PORT)' }],
      readyWhen: /API listening/,
      urls: [
        { label: 'Home', url: `http://localhost:${apiPort}/` },
        { label: 'Get a code', url: `http://localhost:${apiPort}/api/v1/getcode` },
        { label: 'Product page (details + reviews, exchanged tokens)', url: `http://localhost:${apiPort}/productpage` },
        { label: 'API docs', url: `http://localhost:${apiPort}/docs` },
        { label: 'Readiness', url: `http://localhost:${apiPort}/health/ready` },
      ],
    },
  ];
}
