// The few reports the summary looks up decide a day exactly as all of them do (property-based).
import { deepStrictEqual } from 'node:assert/strict'
import fc from 'fast-check'
import t from 'tap'
import { addDays, foldTarget, isDefined, viewAt, type RecordedTargetEvent, type TargetDefinition } from '../../domain/index.js'
import { decidingReports } from '../../projections/deciding-reports.js'
import { summarize } from '../../projections/target-summary.js'
import {
  accepted,
  auditor,
  corrected,
  craftCentre,
  defined,
  kfqAgency,
  projects,
  rejected,
  reported,
  tourism,
  unemployment,
} from '../domain/fixtures/targets.js'

const day = fc.integer({ min: 0, max: 364 }).map((n) => addDays('2023-01-01', n))

const operation = fc.oneof(
  fc.record({ op: fc.constant('report' as const), asOf: day, value: fc.integer({ min: -10, max: 60 }), stage: fc.constantFrom('design', 'build', 'open') }),
  fc.record({ op: fc.constant('correct' as const), pick: fc.nat(), asOf: fc.option(day, { nil: undefined }), value: fc.integer({ min: 0, max: 60 }) }),
  fc.record({ op: fc.constantFrom('accept' as const, 'reject' as const), pick: fc.nat() }),
)

/** Any sequence of report events: evolve takes facts as they come, so the decider's rules need not hold. */
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never

const historyOf = (definition: TargetDefinition, operations: Operation[]): RecordedTargetEvent[] => {
  const ids: string[] = []
  const at = (n: number) => new Date(Date.UTC(2023, 0, 2) + n * 3_600_000).toISOString()
  const events: RecordedTargetEvent[] = [defined(definition)]
  operations.forEach((operation, n) => {
    if (operation.op === 'report') {
      const reportId = `r-${n}`
      ids.push(reportId)
      const content = definition.kind === 'milestone' ? { stage: operation.stage } : { value: operation.value }
      events.push(reported({ reportId, asOf: operation.asOf, ...content }, kfqAgency, at(n)))
      return
    }
    const reportId = ids[operation.pick % Math.max(ids.length, 1)]
    if (reportId === undefined) return
    if (operation.op === 'correct') {
      const content = definition.kind === 'milestone' ? {} : { value: operation.value }
      events.push(corrected({ reportId, ...(operation.asOf ? { asOf: operation.asOf } : {}), ...content, reason: 'typo' }, kfqAgency, at(n)))
    } else events.push((operation.op === 'accept' ? accepted : rejected)(reportId, auditor, at(n)))
  })
  return events
}

for (const definition of [projects, unemployment, tourism, craftCentre]) {
  t.test(`${definition.kind}: viewAt on the deciding reports equals viewAt on all reports, on any day`, async (t) => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 30 }), day, (operations, asOf) => {
        const state = foldTarget(historyOf(definition, operations))
        if (!isDefined(state)) throw new Error('not defined')
        const few = { ...state, reports: decidingReports(state.reports, definition.kind, asOf) }
        const { reports: _all, ...expected } = viewAt(state, { asOf })
        const { reports: _few, ...actual } = viewAt(few, { asOf })
        deepStrictEqual(actual, expected)
        const counts = { total: 0, pending: 0, accepted: 0, rejected: 0 }
        deepStrictEqual(summarize(few, { asOf, reportCounts: counts, revision: 0n }), summarize(state, { asOf, reportCounts: counts, revision: 0n }))
      }),
      { numRuns: 300 },
    )
    t.pass('holds for 300 random histories and days')
  })
}

t.test('a long history is decided by a handful of reports', async (t) => {
  const operations = Array.from({ length: 300 }, (_, n) => ({ op: 'report' as const, asOf: addDays('2023-01-01', n), value: n, stage: 'design' as const }))
  const state = foldTarget(historyOf(projects, operations))
  if (!isDefined(state)) throw new Error('not defined')
  t.ok(decidingReports(state.reports, 'reach', '2023-12-31').length <= 3)
})
