import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { NumberApiDouble } from '../support/number-api-double.js';
import { freePort } from '../support/ports.js';
import { spawnEntry, type SpawnedProcess } from '../support/processes.js';
import { startRedis, type RedisServerHandle } from '../support/redis.js';
import { IssuerDouble } from '../auth/support/issuer-double.js';

export const CLIENT_ID = 'integrated-auth-app';

/** Where the attempt budget is kept: the code table (Azure Table / Azurite) or Redis. */
export const BUDGET_STORES = ['table', 'redis'] as const;
export type BudgetStore = (typeof BUDGET_STORES)[number];

/** A verify answer: true / false, or the refusal with its error code and Retry-After. */
export type VerifyAnswer = boolean | { status: number; error: string; retryAfter: number };

/**
 * The real parts the multi-process security tests run against: Azurite (queue and code table), a
 * redis-server, the number API double and a Keycloak-shaped issuer whose tokens sign callers in
 * (Bearer), plus API processes from dist/ (node dist/apps/api/main.js), each on its own port.
 */
export class SecurityParts {
  azurite!: AzuriteHandle;
  redis!: RedisServerHandle;
  numbers!: NumberApiDouble;
  keycloak!: IssuerDouble;
  issuer = '';
  private readonly spawned: SpawnedProcess[] = [];
  private subjects = 0;

  async start(): Promise<this> {
    [this.azurite, this.redis, this.numbers, this.keycloak] = await Promise.all([
      startAzurite(),
      startRedis(),
      new NumberApiDouble().start(),
      new IssuerDouble().start(),
    ]);
    this.issuer = `${this.keycloak.origin}/realms/demo`;
    this.keycloak.publish(this.issuer, this.issuer);
    return this;
  }

  /** The environment of an API process against these parts; `store` picks the attempt budget's store. */
  env(store: BudgetStore, extra: Record<string, string> = {}): Record<string, string> {
    return {
      THIRD_PARTY_API_ENDPOINT: this.numbers.url,
      SECRET_THIRD_PARTY_API_KEY: this.numbers.validKey,
      AZURE_STORAGE_CONNECTION_STRING: this.azurite.connectionString,
      QUEUE_CREATE_IF_MISSING: 'true',
      CODE_TABLE_CREATE_IF_MISSING: 'true',
      AUTH_PROVIDER: 'keycloak',
      KEYCLOAK_URL: this.keycloak.origin,
      KEYCLOAK_REALM: 'demo',
      OIDC_CLIENT_ID: CLIENT_ID,
      SECRET_OIDC_CLIENT_SECRET: 'unused-client-secret',
      SECRET_SESSION_SECRET: 'test-session-secret-0123456789abcdef',
      AUTH_SESSION_STORE: 'memory',
      TRUST_PROXY: '1',
      THROTTLE_LIMIT: '1000000',
      VERIFY_ATTEMPT_STORE: store,
      ...(store === 'redis' ? { REDIS_URL: this.redis.url } : {}),
      ...extra,
    };
  }

  /** `count` API processes from dist/ with `env`, each listening on its own free port. */
  async spawnApis(count: number, env: Record<string, string>): Promise<string[]> {
    return Promise.all(
      Array.from({ length: count }, async () => {
        const api = await spawnApiProcess(env);
        this.spawned.push(api.process);
        return api.url;
      }),
    );
  }

  /** Output of every API process spawned so far. */
  outputs(): string[] {
    return this.spawned.map((p) => p.output());
  }

  async stopApis(): Promise<void> {
    for (const p of this.spawned.splice(0)) {
      p.kill('SIGKILL');
      await p.exited();
    }
  }

  async stop(): Promise<void> {
    await this.stopApis();
    await Promise.all([this.azurite?.stop(), this.redis?.stop(), this.numbers?.stop(), this.keycloak?.stop()]);
  }

  /** A Bearer token of a new subject (or `sub`) of the realm: a signed-in caller. */
  async token(sub = `kc-user-${++this.subjects}-${Date.now()}`): Promise<string> {
    return this.keycloak.sign(
      {
        iss: this.issuer,
        aud: ['integrated-auth-api'],
        typ: 'Bearer',
        azp: CLIENT_ID,
        sub,
        realm_access: { roles: ['user'] },
      },
      3600,
    );
  }
}

/**
 * Storage and the number API at a closed port: never contacted at boot, so an API process needs
 * nothing else running (tests of its edge, its limits, its Redis use).
 */
export const UNREACHABLE_PARTS: Readonly<Record<string, string>> = {
  THIRD_PARTY_API_ENDPOINT: 'http://127.0.0.1:9/api/RandomNumber',
  SECRET_THIRD_PARTY_API_KEY: 'unused',
  AZURE_STORAGE_CONNECTION_STRING:
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=' +
    Buffer.from('not-a-real-key').toString('base64') +
    ';QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;',
};

/** One API process (node dist/apps/api/main.js) on a free port with exactly `env` (plus HOST, PORT, PUBLIC_BASE_URL), once it listens. */
export async function spawnApiProcess(env: Record<string, string>): Promise<{ url: string; port: number; process: SpawnedProcess }> {
  const port = await freePort();
  const process = spawnEntry('apps/api/main.js', { NODE_ENV: 'test', LOG_LEVEL: 'info', ...env, HOST: '127.0.0.1', PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` });
  await process.waitFor(/API listening/, 30_000).catch((error: unknown) => {
    process.kill('SIGKILL');
    throw error;
  });
  return { url: `http://127.0.0.1:${port}`, port, process };
}

/** A client of the API: its address (the ingress's X-Forwarded-For entry) and, if signed in, its token. */
export interface Client {
  address: string;
  token?: string;
}

const headersOf = (client: Client): Record<string, string> => ({
  'x-forwarded-for': client.address,
  ...(client.token ? { authorization: `Bearer ${client.token}` } : {}),
});

export async function getcode(url: string, client: Client): Promise<string> {
  const res = await fetch(`${url}/api/v1/getcode`, { headers: headersOf(client) });
  const body = (await res.json()) as { code?: string; error?: string };
  if (res.status !== 200 || !body.code) throw new Error(`getcode answered ${res.status} ${JSON.stringify(body)}`);
  return body.code;
}

export async function verify(url: string, client: Client, code: string): Promise<VerifyAnswer> {
  const res = await fetch(`${url}/api/v1/verifycode`, {
    method: 'POST',
    headers: { ...headersOf(client), 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  const body = (await res.json()) as { valid?: boolean; error?: string };
  if (res.status === 200) return body.valid!;
  return { status: res.status, error: body.error ?? '', retryAfter: Number(res.headers.get('retry-after')) };
}

/** A well-formed code that was never issued (a wrong guess). */
export const wrongCode = (i: number) => `zzq-${100000 + i}-qzz`;
