// Rollups per zone and chapter from target summaries: the domain formula, plus the verified basis and the expected pace.
import t from 'tap'
import { foldTarget, isDefined, viewAt, type RecordedTargetEvent, type TargetDefinition } from '../../domain/index.js'
import { rollupGroups } from '../../projections/zone-rollup.js'
import { accepted, closed, craftCentre, defined, projects, reported, tourism, unemployment } from '../domain/fixtures/targets.js'

const asOf = '2023-07-15'
/** Linear pacing over 2023 on 15 July: 195 of 364 days. */
const e = 195 / 364

const viewOf = (definition: TargetDefinition, ...history: RecordedTargetEvent[]) => {
  const state = foldTarget([defined(definition), ...history])
  if (!isDefined(state)) throw new Error('not defined')
  return viewAt(state, { asOf })
}

const zone = { zoneId: 'kfq', chapter: 'functional-zones' }
const targets = [
  // c = 50/40 = 1.25, clamped to 1 in the rollup; weight 2
  viewOf({ ...projects, ...zone, goal: 40, weight: 2 }, reported({ reportId: 'a', asOf: '2023-06-30', value: 50 }), accepted('a')),
  // ceiling 5.2 ≤ 5.5: c = 1 (met)
  viewOf({ ...unemployment, ...zone }, reported({ reportId: 'b', asOf: '2023-06-30', value: 5.2 })),
  // growth 5/20 = 0.25, e = 1 for growth
  viewOf({ ...tourism, ...zone }, reported({ reportId: 'c', asOf: '2023-06-30', value: 5 }), accepted('c')),
  // milestone: design (1 of 1+2+1) done = 0.25
  viewOf({ ...craftCentre, ...zone }, reported({ reportId: 'd', asOf: '2023-06-30', stage: 'design' })),
  // cancelled on 1 July: left out of every sum
  viewOf({ ...projects, ...zone, id: 'cancelled', goal: 100, weight: 3 }, reported({ reportId: 'e', asOf: '2023-06-30', value: 60 }), closed('cancelled', '2023-07-01')),
]

t.test('completion clamps the overachiever and leaves the cancelled target out: (2·1 + 1·1 + 1·0.25 + 1·0.25) / 5 = 0.7', async (t) => {
  const [kfq] = rollupGroups(targets, 'zone')
  t.equal(kfq!.completion, 0.7)
  t.match(kfq, { groupId: 'kfq', weight: 5, targets: 4, cancelled: 1, counts: { achieved: 1, met: 1, behind: 1, lagging: 1 }, onTrackShare: 0.5 })
})

t.test('the verified basis counts accepted reports only: (2·1 + 1·1 + 1·0.25 + 1·0) / 5 = 0.65', async (t) => {
  // The ceiling has no accepted report: its verified value is 0, within the limit, so c = 1.
  t.equal(rollupGroups(targets, 'zone')[0]!.verifiedCompletion, 0.65)
})

t.test('expected is the weighted pace of the same targets: (2e + e + 1 + e) / 5 with e = 195/364', async (t) => {
  t.equal(rollupGroups(targets, 'zone')[0]!.expected, (2 * e + e + 1 + e) / 5)
})

t.test('grouped by chapter, each chapter is rolled up and ranked on its own', async (t) => {
  const byChapter = rollupGroups(
    targets.map((target, index) => ({ ...target, definition: { ...target.definition, chapter: index < 2 ? 'first' : 'second' } })),
    'chapter',
  )
  // first: (2·1 + 1·1) / 3 = 1; second: (0.25 + 0.25) / 2 = 0.25, the cancelled one left out
  t.same(
    byChapter.map((group) => [group.rank, group.groupId, group.completion, group.cancelled]),
    [
      [1, 'first', 1, 0],
      [2, 'second', 0.25, 1],
    ],
  )
})

t.test('a group of cancelled targets only has no completion, no expected pace, and ranks last', async (t) => {
  const groups = rollupGroups([targets[1]!, { ...targets[4]!, definition: { ...targets[4]!.definition, zoneId: 'gone' } }], 'zone')
  t.match(groups.at(-1), { groupId: 'gone', completion: null, expected: null, verifiedCompletion: null, rank: 2 })
})
