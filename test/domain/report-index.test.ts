// Reports looked up by id: the index one line of states shares answers as a scan would, on every branch.
import fc from 'fast-check'
import t from 'tap'
import { evolve, initialState, isDefined, reportPosition, type DefinedTargetState, type TargetState } from '../../domain/index.js'
import { accepted, corrected, defined, kfqAgency, projects, reported } from './fixtures/targets.js'

const start = evolve(initialState, defined(projects))

const report = (state: TargetState, reportId: string): TargetState =>
  evolve(state, reported({ reportId, asOf: '2023-06-30', value: 1 }))

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

t.test('property: on any tree of states, a lookup answers as a scan', async (t) => {
  // Each step grows the tree from a state picked among those made so far: a report (new id or an
  // id used on another branch), a correction or a verdict of a report that may not exist there.
  const step = fc.record({
    from: fc.nat(),
    kind: fc.constantFrom('report', 'report', 'report', 'correct', 'accept'),
    id: fc.integer({ min: 0, max: 60 }),
  })
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 120 }), (steps) => {
      const states: TargetState[] = [start]
      for (const { from, kind, id } of steps) {
        const base = states[from % states.length]!
        const reportId = `r-${id}`
        states.push(
          kind === 'report'
            ? report(base, reportId)
            : kind === 'correct'
              ? evolve(base, corrected({ reportId, value: id, reason: 'fix' }, kfqAgency, '2023-07-02T00:00:00.000Z'))
              : evolve(base, accepted(reportId)),
        )
      }
      for (const state of states) {
        for (let id = 0; id <= 60; id++) {
          if (reportPosition(defined_(state).reports, `r-${id}`) !== scan(state, `r-${id}`)) return false
        }
      }
      return true
    }),
    { numRuns: 200 },
  )
  t.pass('200 random trees of states')
})
