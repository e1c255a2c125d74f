import { TableClient } from '@azure/data-tables';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { freePort, startAuthApp, type AuthApp } from '../auth/support/oidc-harness.js';
import { eventually } from '../lifecycle/lifecycle-support.js';

const HOUR = 3600_000;

/**
 * Finding 8 (issue 17): every shared row has a lifetime. Table Storage has no TTL, so rows whose
 * life has ended are deleted by a sweep of the processes that use them (STORAGE_SWEEP_INTERVAL_SECONDS):
 * back-channel logout `jti` claims and ended sessions in the session table; codes, owners' lists
 * and attempt budgets (and the rows of the old per-guess budget) in the code table. Live rows stay.
 */
describe('every shared Table row has a lifetime (swept by the API)', () => {
  let azurite: AzuriteHandle;
  let app: AuthApp;
  let sessions: TableClient;
  let codes: TableClient;

  const keys = async (table: TableClient) => {
    const out: string[] = [];
    for await (const e of table.listEntities()) out.push(`${e.partitionKey}/${e.rowKey}`);
    return out.sort();
  };

  beforeAll(async () => {
    azurite = await startAzurite();
    const client = (name: string) => TableClient.fromConnectionString(azurite.connectionString, name, { allowInsecureConnection: true });
    [sessions, codes] = [client('sessions'), client('validcodes')];
    await Promise.all([sessions.createTable(), codes.createTable()]);
    const now = Date.now();
    const iso = (t: number) => new Date(t).toISOString();
    // Session table: jti claims and sessions (times in epoch ms, as the store writes them).
    await sessions.createEntity({ partitionKey: 'claim', rowKey: 'spent-claim', expiresAt: now - HOUR });
    await sessions.createEntity({ partitionKey: 'claim', rowKey: 'live-claim', expiresAt: now + HOUR });
    await sessions.createEntity({ partitionKey: 'session', rowKey: 'ended-session', sub: 's', idpSid: '', expiresAt: now - HOUR, idleExpiresAt: 0, chunks: 0 });
    await sessions.createEntity({ partitionKey: 'session', rowKey: 'idle-session', sub: 's', idpSid: '', expiresAt: now + HOUR, idleExpiresAt: now - HOUR, chunks: 0 });
    await sessions.createEntity({ partitionKey: 'session', rowKey: 'live-session', sub: 's', idpSid: '', expiresAt: now + HOUR, idleExpiresAt: now + HOUR, chunks: 0 });
    // Code table: a revoked code no expiry message will ever delete, a live one; owners' lists; budgets.
    await codes.createEntity({ partitionKey: 'Old-1-old', rowKey: 'code', issuedAt: iso(now - 2 * HOUR), expiresAt: iso(now - HOUR), state: 'revoked', activatedAt: iso(now - 2 * HOUR) });
    await codes.createEntity({ partitionKey: 'New-1-new', rowKey: 'code', issuedAt: iso(now), expiresAt: iso(now + HOUR), state: 'valid', activatedAt: iso(now) });
    const entry = (t: number) => JSON.stringify([{ code: 'Old-1-old', issuedAt: iso(t - 600_000), expiresAt: iso(t) }]);
    await codes.createEntity({ partitionKey: 'owner~spent', rowKey: 'outstanding', outstanding: entry(now - HOUR) });
    await codes.createEntity({ partitionKey: 'owner~live', rowKey: 'outstanding', outstanding: entry(now + HOUR) });
    await codes.createEntity({ partitionKey: 'attempts~ended', rowKey: 'budget', count: 3, windowEndsAt: iso(now - HOUR), expiresAt: iso(now - HOUR) });
    await codes.createEntity({ partitionKey: 'attempts~live', rowKey: 'budget', count: 1, windowEndsAt: iso(now + HOUR), expiresAt: iso(now + HOUR) });
    // Rows of the per-guess budget this release replaced.
    await codes.createEntity({ partitionKey: 'attempts~legacy', rowKey: `failure~${iso(now - HOUR)}~x`, at: iso(now - HOUR) });
    await codes.createEntity({ partitionKey: 'attempts~legacy', rowKey: 'lock', lockedUntil: iso(now - HOUR) });

    app = await startAuthApp(await freePort(), {
      AUTH_PROVIDER: 'oidc',
      OIDC_ISSUER_URL: 'http://127.0.0.1:9/never-contacted',
      AUTH_SESSION_STORE: 'table',
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      CODE_TABLE_CREATE_IF_MISSING: 'true',
      STORAGE_SWEEP_INTERVAL_SECONDS: '1',
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await azurite?.stop();
  });

  it('ended claims and sessions leave the session table; live ones stay', async () => {
    const live = ['claim/live-claim', 'session/live-session'];
    await eventually('the session table swept', async () => JSON.stringify(await keys(sessions)) === JSON.stringify(live), 10_000).catch(() => undefined);
    expect(await keys(sessions)).toEqual(live);
  }, 20_000);

  it('ended codes, owners’ lists and budgets (and the old per-guess rows) leave the code table; live ones stay', async () => {
    const live = ['New-1-new/code', 'attempts~live/budget', 'owner~live/outstanding'];
    await eventually('the code table swept', async () => JSON.stringify(await keys(codes)) === JSON.stringify(live), 10_000).catch(() => undefined);
    expect(await keys(codes)).toEqual(live);
  }, 20_000);
});
