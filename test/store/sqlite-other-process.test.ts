// A live subscription also sees what another process appends to the same SQLite file (one writer at
// a time, WAL): `target-ledger demo` or `seed` beside a running server reaches its read models.
import { join } from 'node:path'
import t from 'tap'
import { openSqliteEventStore } from '../../src/store/sqlite-event-store.js'
import { tempDir } from '../helpers/app.js'

const event = (n: number) => ({ id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, type: 'Noted', data: { n }, metadata: {} })

t.test('a subscription wakes for appends made through another connection, by polling', async (t) => {
  const file = join(tempDir(t), 'ledger.db')
  const server = openSqliteEventStore({ file, pollMs: 50 })
  const other = openSqliteEventStore({ file })
  t.teardown(async () => {
    await other.close()
    await server.close()
  })
  await server.append('s-1', [event(1)], { expectedRevision: 'no_stream' })
  const live = server.subscribeAll({ fromPosition: 0n })
  const seen: number[] = []
  const consumed = (async () => {
    for await (const stored of live) {
      seen.push((stored.data as { n: number }).n)
      if (seen.length === 3) break
    }
  })()
  await other.append('s-2', [event(2), event(3)], { expectedRevision: 'no_stream' })
  const deadline = setTimeout(() => void live.close(), 5000)
  await consumed
  clearTimeout(deadline)
  await live.close()
  t.same(seen, [1, 2, 3], 'the other connection’s events arrive, in position order')
})
