// The target summary's evolve: a head per target and a row per report that, put back together, are the aggregate's state.
import t from 'tap'
import { foldTarget, isDefined, type RecordedTargetEvent } from '../../domain/index.js'
import {
  evolveTargetSlice,
  reportIdOf,
  stateOf,
  summarize,
  type ReportRow,
  type TargetHead,
} from '../../projections/target-summary.js'
import type { ProjectedEvent } from '../../projections/projected-event.js'
import { accepted, corrected, defined, kfqAgency, projects, rejected, reported, revised, closed, auditor } from '../domain/fixtures/targets.js'
import { projected } from './fixtures/projected.js'

/** Runs evolve the way the SQL mapping does: one head per target, one row per report. */
const project = (events: readonly ProjectedEvent[]) => {
  let head: TargetHead | null = null
  const rows = new Map<string, ReportRow>()
  for (const event of events) {
    const reportId = reportIdOf(event.event)
    const next = evolveTargetSlice({ head, report: reportId === null ? null : (rows.get(reportId) ?? null) }, event)
    head = next.head
    if (reportId !== null && next.report !== null) rows.set(reportId, next.report)
  }
  return { head, rows: [...rows.values()].sort((a, b) => Number(a.seq - b.seq)) }
}

const history: RecordedTargetEvent[] = [
  defined(projects),
  reported({ reportId: 'r-mar', asOf: '2023-03-31', value: 9 }),
  reported({ reportId: 'r-jun', asOf: '2023-06-30', value: 21 }),
  corrected({ reportId: 'r-jun', value: 18, reason: 'double-counted project' }, kfqAgency, '2023-07-10T00:00:00.000Z'),
  accepted('r-mar', auditor, '2023-07-12T00:00:00.000Z'),
  rejected('r-jun', auditor, '2023-07-12T01:00:00.000Z'),
  reported({ reportId: 'r-jun-2', asOf: '2023-06-30', value: 19 }, kfqAgency, '2023-07-20T00:00:00.000Z'),
  revised({ changes: { goal: 45 }, effectiveFrom: '2023-07-01', reason: 'mid-year review', authority: 'district congress' }, '2023-08-01T00:00:00.000Z'),
]

t.test('the head and the report rows put back together are the state the aggregate folds to', async (t) => {
  const { head, rows } = project(projected(projects.id, history))
  t.ok(head)
  t.strictSame(stateOf(head!, rows.map((row) => row.record)), foldTarget(history))
})

t.test('a report keeps the position of its ProgressReported as its place, whatever changes it later', async (t) => {
  const { rows } = project(projected(projects.id, history, 100))
  t.same(
    rows.map((row) => [row.record.reportId, row.seq]),
    [
      ['r-mar', 101n],
      ['r-jun', 102n],
      ['r-jun-2', 106n],
    ],
  )
})

t.test('the head counts reports by verification, a correction putting a judged report back to pending', async (t) => {
  const counts = (n: number) => project(projected(projects.id, history.slice(0, n))).head!.reportCounts
  t.same(counts(3), { total: 2, pending: 2, accepted: 0, rejected: 0 }, 'two reports filed')
  t.same(counts(6), { total: 2, pending: 0, accepted: 1, rejected: 1 }, 'one accepted, one rejected')
  t.same(counts(7), { total: 3, pending: 1, accepted: 1, rejected: 1 }, 'a new report is pending')
  const recorrected = [...history, corrected({ reportId: 'r-mar', value: 10, reason: 'late invoice' }, kfqAgency, '2023-08-02T00:00:00.000Z')]
  t.same(project(projected(projects.id, recorrected)).head!.reportCounts, { total: 3, pending: 2, accepted: 0, rejected: 1 })
})

t.test('the head records where the stream stands and when it last learnt something', async (t) => {
  const events = projected(projects.id, history, 10)
  const { head } = project(events)
  t.match(head, { revision: 7n, position: 17n, hash: events.at(-1)!.hash, definedAt: 10n, lastRecordedAt: '2023-08-01T00:00:00.000Z' })
})

t.test('lastRecordedAt is the latest recorded time even when a later event carries an earlier one', async (t) => {
  const late = reported({ reportId: 'r-jan', asOf: '2023-01-31', value: 2 }, kfqAgency, '2023-02-01T00:00:00.000Z')
  const { head } = project(projected(projects.id, [...history, late]))
  t.equal(head!.lastRecordedAt, '2023-08-01T00:00:00.000Z')
})

t.test('events before the definition change nothing', async (t) => {
  const { head, rows } = project(projected(projects.id, [reported({ reportId: 'r-x', asOf: '2023-03-31', value: 1 })]))
  t.equal(head, null)
  t.same(rows, [])
})

t.test('a repeated ProgressReported leaves the first report as it was', async (t) => {
  const again = reported({ reportId: 'r-mar', asOf: '2023-04-30', value: 99 })
  const { rows } = project(projected(projects.id, [...history.slice(0, 2), again]))
  t.match(rows, [{ record: { reportId: 'r-mar', value: 9, asOf: '2023-03-31' } }])
})

t.test('a summary is the domain view without the report list, plus the latest report, counts and revision', async (t) => {
  const state = foldTarget(history)
  if (!isDefined(state)) throw new Error('not defined')
  const summary = summarize(state, { asOf: '2023-07-31', reportCounts: { total: 3, pending: 1, accepted: 1, rejected: 1 }, revision: 7n })
  t.notOk('reports' in summary)
  t.match(summary, {
    reported: { value: 19, completion: 19 / 45, reportId: 'r-jun-2' },
    verified: { value: 9, completion: 9 / 45, reportId: 'r-mar' },
    definition: { goal: 45 },
    latestReport: { reportId: 'r-jun-2', asOf: '2023-06-30' },
    revision: '7',
  })
})

t.test('a closed target shows as closed from its closing day', async (t) => {
  const state = foldTarget([...history, closed('cancelled', '2023-08-15')])
  if (!isDefined(state)) throw new Error('not defined')
  const counts = { total: 3, pending: 1, accepted: 1, rejected: 1 }
  t.match(summarize(state, { asOf: '2023-08-14', reportCounts: counts, revision: 8n }), { closed: false, outcome: null })
  t.match(summarize(state, { asOf: '2023-08-15', reportCounts: counts, revision: 8n }), { closed: true, outcome: 'cancelled', status: 'closed' })
})
