import { MemorySessionStore } from '../../src/auth/memory-session-store.js';
import { TableSessionStore } from '../../src/auth/table-session-store.js';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { describeSessionStoreContract } from './support/session-store-contract.js';

/** The session store contract on each real store (Table on a real Azurite). */
describeSessionStoreContract('memory', () => new MemorySessionStore());

describe('on Azurite', () => {
  let azurite: AzuriteHandle;
  beforeAll(async () => {
    // A free port can be taken by another process between picking and listening (shared machine): retry.
    for (let attempt = 1; ; attempt++) {
      try {
        azurite = await startAzurite();
        return;
      } catch (error) {
        if (attempt >= 3 || !/EADDRINUSE/.test((error as Error).message)) throw error;
      }
    }
  }, 60_000);
  afterAll(async () => {
    await azurite?.stop();
  });

  describeSessionStoreContract('table', () => TableSessionStore.fromConfig({ connectionString: azurite.connectionString, table: 'contractsessions' }));
});
