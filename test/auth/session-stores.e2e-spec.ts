import { MemorySessionStore } from '../../src/auth/memory-session-store.js';
import { TableSessionStore } from '../../src/auth/table-session-store.js';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { describeSessionStoreContract } from './support/session-store-contract.js';

/** The session store contract on each real store (Table on a real Azurite). */
describeSessionStoreContract('memory', () => new MemorySessionStore());

describe('on Azurite', () => {
  let azurite: AzuriteHandle;
  beforeAll(async () => {
    azurite = await startAzurite(); // retries on a port taken meanwhile
  }, 60_000);
  afterAll(async () => {
    await azurite?.stop();
  });

  describeSessionStoreContract('table', () => TableSessionStore.fromConfig({ connectionString: azurite.connectionString, table: 'contractsessions' }));
});
