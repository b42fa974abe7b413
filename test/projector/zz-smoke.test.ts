import t from 'tap'
import { performance } from 'node:perf_hooks'
import { createProjector } from '../../src/projector/projector.js'
import { createReadModelQueries } from '../../src/projector/read-model-queries.js'
import { openTestLedger } from '../helpers/app.js'
import { writeHistory } from './fixtures/history.js'

t.test('smoke', async (t) => {
  const { store, ledger } = openTestLedger(t, { now: '2024-01-10T02:00:00.000Z' })
  let t0 = performance.now()
  const { events } = await writeHistory(store, { events: 20000 })
  t.comment(`history ${events} in ${(performance.now() - t0).toFixed(0)} ms`)
  const projector = createProjector({ store, db: store.db })
  t0 = performance.now()
  const result = await projector.rebuild()
  t.comment(`rebuild ${result.events} in ${(performance.now() - t0).toFixed(0)} ms`)
  const queries = createReadModelQueries({ db: store.db, ledger, today: ledger.today })
  for (const asOf of ['2023-03-31', '2023-07-15', '2023-12-31']) {
    t0 = performance.now()
    const projected = await queries.listTargets({ asOf })
    const ms = performance.now() - t0
    t0 = performance.now()
    const folded = await ledger.viewAll({ asOf })
    t.comment(`asOf ${asOf}: projection ${ms.toFixed(1)} ms, fold ${(performance.now() - t0).toFixed(0)} ms`)
    const strip = (v: any) => { const { reports, latestReport, reportCounts, revision, ...rest } = v; return rest }
    t.same(projected.targets.map(strip), folded.map(strip))
  }
  t0 = performance.now()
  const zones = await queries.listZones({ asOf: '2023-07-15' })
  t.comment(`zones ${(performance.now() - t0).toFixed(1)} ms`)
  t.comment(JSON.stringify(zones.zones.slice(0, 2)))
  const tl = await queries.zoneTimeline('district', { asOf: '2023-07-15' })
  t.comment(JSON.stringify(tl?.points.slice(0, 2)))
  const known = await queries.listTargets({ asOf: '2023-07-15', knownAt: '2023-06-01T00:00:00Z' })
  const knownFold = await ledger.viewAll({ asOf: '2023-07-15', knownAt: '2023-06-01T00:00:00Z' })
  const strip = (v: any) => { const { reports, latestReport, reportCounts, revision, ...rest } = v; return rest }
  t.same(known.targets.map(strip), knownFold.map(strip))
})
