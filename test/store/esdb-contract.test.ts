// The shared store contract against a real EventStoreDB, when EVENTSTORE_URL names one; skipped
// visibly otherwise, so that nothing else in the suite needs a server.
import t from 'tap'
import { createEsdbEventStore } from '../../src/store/esdb-event-store.js'
import { runEventStoreContract, type StoreUnderTest } from './contract.js'

const url = process.env['EVENTSTORE_URL']?.trim()

if (url === undefined || url === '') {
  const reason = 'EventStoreDB contract suite skipped: set EVENTSTORE_URL=esdb://localhost:2113?tls=false to run it'
  t.comment(reason)
  t.test('esdb: EventStore contract', { skip: reason }, () => {})
} else {
  t.comment(`EventStoreDB contract suite against ${url}`)
  runEventStoreContract(t, 'esdb', async (): Promise<StoreUnderTest> => {
    const store = createEsdbEventStore({ connectionString: url })
    return { store, cleanup: () => store.close() }
  })
}
