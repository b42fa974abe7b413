import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { openSqliteEventStore } from '../../src/store/sqlite-event-store.js'
import { runEventStoreContract, type StoreUnderTest } from './contract.js'

function sqliteStore(pageSize?: number) {
  return async (): Promise<StoreUnderTest> => {
    const dir = mkdtempSync(join(tmpdir(), 'target-ledger-contract-'))
    const store = openSqliteEventStore({ file: join(dir, 'events.db'), pageSize })
    return {
      store,
      cleanup: async () => {
        await store.close()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }
}

runEventStoreContract(t, 'sqlite', sqliteStore())
// Pages of two rows make every read, catch-up and subscription cross page boundaries.
runEventStoreContract(t, 'sqlite with tiny pages', sqliteStore(2))
