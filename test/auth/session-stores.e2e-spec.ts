import { MemorySessionStore } from '../../src/auth/sessions/memory-session-store.js';
import { TableSessionStore } from '../../src/auth/sessions/table-session-store.js';
import { SystemClock } from '../../src/common/clock.js';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { describeSessionStoreContract } from './support/session-store-contract.js';

/** The session store contract on each real store (Table on a real Azurite). */
describeSessionStoreContract('memory', () => new MemorySessionStore(new SystemClock()));

describe('on Azurite', () => {
  let azurite: AzuriteHandle;
  beforeAll(async () => {
    azurite = await startAzurite(); // retries on a port taken meanwhile
  }, 60_000);
  afterAll(async () => {
    await azurite?.stop();
  });

  describeSessionStoreContract('table', () => TableSessionStore.fromConfig({ connectionString: azurite.connectionString, table: 'contractsessions' }, new SystemClock()));
});
