// Reports looked up by id: the index one line of states shares answers as a scan would, on every branch.
import fc from 'fast-check'
import t from 'tap'
import {
  countsFor,
  evolve,
  initialState,
  isDefined,
  latestByAsOf,
  reportPosition,
  valueReportAt,
  type DefinedTargetState,
  type TargetState,
} from '../../domain/index.js'
import { accepted, corrected, defined, kfqAgency, projects, rejected, reported } from './fixtures/targets.js'

const start = evolve(initialState, defined(projects))

const days = ['2023-03-31', '2023-04-30', '2023-05-31', '2023-06-30', '2023-07-31']

const report = (state: TargetState, reportId: string, day = 3): TargetState =>
  evolve(state, reported({ reportId, asOf: days[day % days.length]!, value: day }))

const defined_ = (state: TargetState): DefinedTargetState => {
  if (!isDefined(state)) throw new Error('not defined')
  return state
}

const scan = (state: TargetState, reportId: string) => defined_(state).reports.findIndex((candidate) => candidate.reportId === reportId)

t.test('siblings that branched off one state each find their own reports, and not each other’s', async (t) => {
  let common = start
  for (let i = 0; i < 40; i++) common = report(common, `r-${i}`)
  const left = report(common, 'left')
  const right = report(report(common, 'right'), 'left')
  t.same(
    ['left', 'right', 'r-7', 'nowhere'].map((id) => [reportPosition(defined_(left).reports, id), reportPosition(defined_(right).reports, id)]),
    [
      [40, 41],
      [-1, 40],
      [7, 7],
      [-1, -1],
    ],
  )
  t.equal(reportPosition(defined_(common).reports, 'left'), -1, 'the state they branched off has neither')
})

t.test('a corrected or judged report keeps its place and is found there', async (t) => {
  let state = start
  for (let i = 0; i < 30; i++) state = report(state, `r-${i}`)
  state = evolve(state, corrected({ reportId: 'r-12', value: 2, reason: 'recount' }, kfqAgency, '2023-07-02T00:00:00.000Z'))
  state = evolve(state, accepted('r-20'))
  t.equal(reportPosition(defined_(state).reports, 'r-12'), 12)
  t.match(defined_(state).reports[12], { reportId: 'r-12', value: 2 })
  t.match(defined_(state).reports[20], { reportId: 'r-20', verification: 'accepted' })
  const copied = JSON.parse(JSON.stringify(state)) as DefinedTargetState
  t.equal(reportPosition(copied.reports, 'r-29'), 29, 'a list made some other way (a JSON copy) is indexed on first lookup')
})

t.test('property: on any tree of states, a lookup by id and the value on a day answer as a scan', async (t) => {
  // Each step grows the tree from a state picked among those made so far: a report (new id or an
  // id used on another branch), a correction, an acceptance or a rejection of a report that may not
  // exist there.
  const step = fc.record({
    from: fc.nat(),
    kind: fc.constantFrom('report', 'report', 'report', 'report', 'correct', 'accept', 'reject'),
    id: fc.integer({ min: 0, max: 60 }),
    day: fc.nat(),
  })
  const valueAt = (state: DefinedTargetState, day: string, basis: 'reported' | 'verified') =>
    latestByAsOf(state.reports, (report) => report.value !== null && countsFor(report, basis) && report.asOf <= day)
  fc.assert(
    fc.property(fc.array(step, { minLength: 40, maxLength: 200, size: 'max' }), (steps) => {
      // Each state is looked at as soon as it is made, as a decision would before the next event:
      // that is when the memo a later state inherits is made.
      const agrees = (state: DefinedTargetState): boolean => {
        for (let id = 0; id <= 60; id++) {
          if (reportPosition(state.reports, `r-${id}`) !== scan(state, `r-${id}`)) return false
        }
        for (const day of [...days, '2023-01-31', '2023-12-31']) {
          for (const basis of ['reported', 'verified'] as const) {
            if (valueReportAt(state.reports, day, basis) !== valueAt(state, day, basis)) return false
          }
        }
        return true
      }
      const states: TargetState[] = [start]
      for (const { from, kind, id, day } of steps) {
        // Mostly from one of the latest states, so that lines grow long enough to be indexed.
        const base = states[from % 5 === 0 ? from % states.length : states.length - 1 - (from % Math.min(states.length, 3))]!
        const reportId = `r-${id}`
        const at = '2023-08-02T00:00:00.000Z'
        const next =
          kind === 'report'
            ? report(base, reportId, day)
            : kind === 'correct'
              ? evolve(base, corrected({ reportId, asOf: days[day % days.length]!, value: id, reason: 'fix' }, kfqAgency, at))
              : kind === 'accept'
                ? evolve(base, accepted(reportId))
                : evolve(base, rejected(reportId))
        if (!agrees(defined_(next))) return false
        states.push(next)
      }
      return true
    }),
    { numRuns: 200 },
  )
  t.pass('200 random trees of states')
})
