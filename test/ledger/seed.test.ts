import t from 'tap'
import { loadCatalog } from '../../seeds/catalog-loader.js'
import { seedCatalog } from '../../src/ledger/seed.js'
import { openTestLedger } from '../helpers/app.js'

const catalog = loadCatalog()

const countEvents = async (store: { readAll(): AsyncIterable<{ type: string; streamId: string }> }) => {
  const perStream = new Map<string, number>()
  for await (const event of store.readAll()) perStream.set(event.streamId, (perStream.get(event.streamId) ?? 0) + 1)
  return perStream
}

t.test('seeding defines every catalog target once', async (t) => {
  const { ledger, store } = openTestLedger(t)
  t.same(await seedCatalog(ledger, catalog), { defined: catalog.length, existing: 0 })
  const perStream = await countEvents(store)
  t.equal(perStream.size, catalog.length)
  t.ok([...perStream.values()].every((n) => n === 1), 'one TargetDefined per stream')
})

t.test('seeding twice is a no-op', async (t) => {
  const { ledger, store } = openTestLedger(t)
  await seedCatalog(ledger, catalog)
  const head = await store.headPosition()
  t.same(await seedCatalog(ledger, catalog), { defined: 0, existing: catalog.length })
  t.equal(await store.headPosition(), head, 'nothing appended')
})

t.test('two seeders racing on one store still leave one definition per target', async (t) => {
  const { ledger, store } = openTestLedger(t)
  // Both may see an empty stream; the same deterministic event ids make the second append a no-op.
  await Promise.all([seedCatalog(ledger, catalog), seedCatalog(ledger, catalog)])
  const perStream = await countEvents(store)
  t.equal(perStream.size, catalog.length)
  t.ok([...perStream.values()].every((n) => n === 1), 'one TargetDefined per stream')
})
