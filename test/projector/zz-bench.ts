import { performance } from 'node:perf_hooks'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createProjector } from '../../src/projector/projector.js'
import { openSqliteEventStore } from '../../src/store/sqlite-event-store.js'
import { writeHistory } from './fixtures/history.js'
import { toProjectedEvent } from '../../src/projector/projected-events.js'

const N = Number(process.argv[2] ?? 50000)
const file = process.argv[3] ?? join(mkdtempSync(join(tmpdir(), 'tlb-')), 'l.db')
const store = openSqliteEventStore({ file })
if ((await store.headPosition()) === 0n) {
  const t0 = performance.now()
  await writeHistory(store, { events: N })
  console.log(`history ${N} in ${(performance.now() - t0).toFixed(0)} ms -> ${file}`)
}
for (let i = 0; i < 2; i++) {
  let t0 = performance.now()
  let n = 0
  for await (const e of store.readAll()) n++
  console.log(`readAll ${n} in ${(performance.now() - t0).toFixed(0)} ms`)
  t0 = performance.now()
  for await (const e of store.readAll()) toProjectedEvent(e)
  console.log(`readAll+decode in ${(performance.now() - t0).toFixed(0)} ms`)
  t0 = performance.now()
  const raw = store.db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?').safeIntegers(true)
  let after = 0n
  for (;;) { const rows = raw.all(after, 500) as any[]; if (!rows.length) break; for (const row of rows) { JSON.parse(row.data); JSON.parse(row.metadata); after = row.position } }
  console.log(`raw paged in ${(performance.now() - t0).toFixed(0)} ms`)
}
for (const sync of ['FULL', 'NORMAL']) {
  store.db.pragma(`synchronous = ${sync}`)
  for (const only of [['audit-trail'], ['target-summary'], undefined]) {
    const projector = createProjector({ store, db: store.db })
    const t0 = performance.now()
    const r = await projector.rebuild(only ? { only } : {})
    console.log(`${sync} rebuild ${only ?? 'all'} ${r.events} in ${(performance.now() - t0).toFixed(0)} ms`)
  }
}
await store.close()
