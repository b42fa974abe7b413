// One point per report effective date: progress that day with everything known, and that day's reports.
import t from 'tap'
import { foldTarget, isDefined } from '../../domain/index.js'
import { targetTimeline } from '../../projections/target-timeline.js'
import { accepted, auditor, corrected, craftCentre, defined, kfqAgency, projects, rejected, reported, revised } from '../domain/fixtures/targets.js'

const state = foldTarget([
  defined(projects),
  reported({ reportId: 'r-mar', asOf: '2023-03-31', value: 9 }),
  reported({ reportId: 'r-jun', asOf: '2023-06-30', value: 21 }),
  corrected({ reportId: 'r-jun', value: 18, reason: 'double-counted project' }, kfqAgency, '2023-07-10T00:00:00.000Z'),
  accepted('r-mar', auditor, '2023-07-12T00:00:00.000Z'),
  rejected('r-jun', auditor, '2023-07-12T01:00:00.000Z'),
  reported({ reportId: 'r-jun-2', asOf: '2023-06-30', value: 19 }, kfqAgency, '2023-07-20T00:00:00.000Z'),
  accepted('r-jun-2', auditor, '2023-07-25T00:00:00.000Z'),
  reported({ reportId: 'r-aug', asOf: '2023-08-31', value: 27 }, kfqAgency, '2023-09-02T00:00:00.000Z'),
  revised({ changes: { goal: 45 }, effectiveFrom: '2023-07-01', reason: 'mid-year review', authority: 'district congress' }, '2023-08-01T00:00:00.000Z'),
])
if (!isDefined(state)) throw new Error('not defined')

const timeline = targetTimeline(state, { asOf: '2023-12-31' })

t.test('one point per effective date, in date order', async (t) => {
  t.same(
    timeline.points.map((point) => point.asOf),
    ['2023-03-31', '2023-06-30', '2023-08-31'],
  )
})

t.test('each point lists that day’s reports, rejected ones too, with their corrections and verdicts', async (t) => {
  const june = timeline.points[1]!
  t.same(june.reports.map((report) => [report.reportId, report.verification]), [
    ['r-jun', 'rejected'],
    ['r-jun-2', 'accepted'],
  ])
  t.match(june.reports[0], { value: 18, corrections: [{ reason: 'double-counted project', changes: { value: 18 } }], verdict: { verdict: 'rejected' } })
})

t.test('the value of a day is the report that counts, the rejected one skipped', async (t) => {
  t.match(timeline.points[1], { reported: { value: 19, reportId: 'r-jun-2', completion: 19 / 39 }, verified: { value: 19 } })
})

t.test('a revised goal changes the points from its effective date on: 27/45 in August, 19/39 in June', async (t) => {
  t.match(timeline.points.map((point) => [point.goal, point.reported.completion]), [
    [39, 9 / 39],
    [39, 19 / 39],
    [45, 27 / 45],
  ])
  t.equal(timeline.revisions.length, 1)
})

t.test('expected and status are those of the day', async (t) => {
  // 30 June: 180 of 364 days; gap = 180/364 − 19/39 ≈ 0.007: on track
  t.match(timeline.points[1], { expected: 180 / 364, status: 'on_track' })
  t.match(timeline.points[2], { verified: { value: 19, reportId: 'r-jun-2' } }, 'r-aug is not accepted: the verified value stays at June')
})

t.test('points stop at asOf', async (t) => {
  t.same(targetTimeline(state, { asOf: '2023-07-31' }).points.map((point) => point.asOf), ['2023-03-31', '2023-06-30'])
})

t.test('a milestone point counts the stages done by that day', async (t) => {
  const milestone = foldTarget([
    defined(craftCentre),
    reported({ reportId: 'd', asOf: '2023-03-31', stage: 'design' }),
    reported({ reportId: 'b', asOf: '2023-09-30', stage: 'build' }, kfqAgency, '2023-10-01T00:00:00.000Z'),
  ])
  if (!isDefined(milestone)) throw new Error('not defined')
  t.match(
    targetTimeline(milestone, { asOf: '2023-12-31' }).points.map((point) => [point.goal, point.reported.value, point.reported.completion]),
    [
      [4, 1, 0.25],
      [4, 3, 0.75],
    ],
  )
})
