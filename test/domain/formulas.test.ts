// The published formulas, each checked against a figure computed by hand.
import t from 'tap'
import {
  completionOf,
  daysBetween,
  DomainError,
  endOfPreviousMonth,
  errors,
  expectedProgress,
  isAchieved,
  isOverdue,
  lightOf,
  linearExpected,
  monthlyExpected,
  rollup,
  statusOf,
  quotient,
  type RollupItem,
  type StatusInput,
} from '../../domain/index.js'
import { craftCentre, projects, tourism, unemployment } from './fixtures/targets.js'

const year = { start: '2023-01-01', end: '2023-12-31' }
const value = (v: number) => ({ value: v, doneStages: [] })
const stages = (...done: string[]) => ({ value: 0, doneStages: done })

t.test('calendar', async (t) => {
  t.test('day counts are calendar days, across a leap day', async (t) => {
    t.equal(daysBetween('2024-02-28', '2024-03-01'), 2)
  })
  t.test('the previous month ends on its last day', async (t) => {
    t.equal(endOfPreviousMonth('2023-03-15'), '2023-02-28')
  })
  t.test('a date that does not exist is DATE.INVALID', async (t) => {
    t.throws(() => daysBetween('2023-02-29', '2023-03-01'), { code: 'DATE.INVALID', category: 'invalid' })
  })
})

t.test('completion', async (t) => {
  t.test('reach: v / goal, unclamped, so overachievement exceeds 1', async (t) => {
    t.equal(completionOf(projects, value(45)), 45 / 39)
  })
  t.test('ceiling: a value equal to the limit is met (以内 is inclusive)', async (t) => {
    t.equal(completionOf(unemployment, value(5.5)), 1)
  })
  t.test('ceiling: a value just above the limit is breached', async (t) => {
    t.equal(completionOf(unemployment, value(5.51)), 0)
  })
  t.test('growth: negative growth gives negative completion', async (t) => {
    t.equal(completionOf(tourism, value(-4)), -0.2)
  })
  t.test('a goal of 0 gives completion null', async (t) => {
    t.equal(completionOf({ ...tourism, goal: 0 }, value(3)), null)
  })
  t.test('a quotient beyond a float (a ledger from before the bounds) gives null, not Infinity', async (t) => {
    t.equal(completionOf({ ...tourism, goal: 0.5 }, value(1e308)), null)
    t.equal(completionOf({ ...tourism, goal: 0.5 }, value(1e15)), 2e15)
  })
  t.test('milestone: Σ weights of done stages / Σ weights', async (t) => {
    t.equal(completionOf(craftCentre, stages('design', 'build')), 3 / 4)
  })
  t.test('milestone: a stage id outside the definition counts for nothing', async (t) => {
    t.equal(completionOf(craftCentre, stages('design', 'demolish')), 1 / 4)
  })
})

t.test('achieved', async (t) => {
  t.test('reach: v ≥ goal', async (t) => {
    t.same([isAchieved(projects, value(38)), isAchieved(projects, value(39))], [false, true])
  })
  t.test('ceiling: v ≤ limit', async (t) => {
    t.same([isAchieved(unemployment, value(5.5)), isAchieved(unemployment, value(5.51))], [true, false])
  })
  t.test('growth with a negative goal: falling at least that far', async (t) => {
    const reduction = { ...tourism, goal: -3 }
    t.same([isAchieved(reduction, value(-3.5)), isAchieved(reduction, value(-2))], [true, false])
  })
  t.test('milestone: all stages done', async (t) => {
    t.same([isAchieved(craftCentre, stages('design', 'build')), isAchieved(craftCentre, stages('design', 'build', 'open'))], [false, true])
  })
})

t.test('pacing', async (t) => {
  t.test('linear: days elapsed / days in the period (2 Jul 2023 is day 182 of 364)', async (t) => {
    t.equal(linearExpected(year, '2023-07-02'), 0.5)
  })
  t.test('linear: clamped to 0 before the period and 1 after it', async (t) => {
    const days = ['2022-12-01', '2023-01-01', '2023-12-31', '2024-02-01']
    t.same(days.map((day) => linearExpected(year, day)), [0, 0, 1, 1])
  })
  t.test('monthly: completed months / 12 — mid-July has 6 months completed', async (t) => {
    t.equal(monthlyExpected(year, '2023-07-15'), 6 / 12)
  })
  t.test('monthly: a month completes on its last day', async (t) => {
    t.same([monthlyExpected(year, '2023-07-30'), monthlyExpected(year, '2023-07-31')], [6 / 12, 7 / 12])
  })
  t.test('monthly: the target follows its pacing', async (t) => {
    t.equal(expectedProgress({ ...projects, pacing: 'monthly' }, '2023-03-31'), 3 / 12)
  })
  t.test('growth is not pro-rated: e = 1 from the first day', async (t) => {
    t.equal(expectedProgress(tourism, '2023-01-01'), 1)
  })
  t.test('milestone with planned stage dates: share of weights planned on or before t', async (t) => {
    const planned = {
      ...craftCentre,
      stages: craftCentre.stages.map((stage, i) => ({ ...stage, plannedBy: ['2023-03-31', '2023-06-30', '2023-09-30'][i] })),
    }
    t.same([expectedProgress(planned, '2023-06-29'), expectedProgress(planned, '2023-06-30')], [1 / 4, 3 / 4])
  })
  t.test('milestone: a stage without a date in a dated plan is due at period end', async (t) => {
    const partly = { ...craftCentre, stages: craftCentre.stages.map((stage, i) => (i === 0 ? { ...stage, plannedBy: '2023-03-31' } : stage)) }
    t.same([expectedProgress(partly, '2023-12-30'), expectedProgress(partly, '2023-12-31')], [1 / 4, 1])
  })
  t.test('milestone without planned dates follows its pacing', async (t) => {
    t.equal(expectedProgress(craftCentre, '2023-07-02'), 0.5)
  })
})

t.test('status', async (t) => {
  const running = (completion: number | null, expected: number, kind: StatusInput['kind'] = 'reach'): StatusInput => ({
    kind,
    completion,
    expected,
    achieved: false,
    outcome: null,
  })
  t.test('gap exactly 0.10 is on track', async (t) => {
    t.equal(statusOf(running(0.4, 0.5)), 'on_track')
  })
  t.test('gap 0.10 is on track even when floating point says 0.10000000000000003', async (t) => {
    t.equal(statusOf(running(0.3, 0.4)), 'on_track')
  })
  t.test('gap just above 0.10 is lagging', async (t) => {
    t.equal(statusOf(running(0.3999, 0.5)), 'lagging')
  })
  t.test('gap exactly 0.30 is lagging', async (t) => {
    t.equal(statusOf(running(0.1, 0.4)), 'lagging')
  })
  t.test('gap just above 0.30 is behind', async (t) => {
    t.equal(statusOf(running(0.1999, 0.5)), 'behind')
  })
  t.test('c ≥ 1 is achieved, even ahead of schedule', async (t) => {
    t.equal(statusOf(running(1.2, 0.3)), 'achieved')
  })
  t.test('ceiling targets are met or breached', async (t) => {
    t.same([statusOf(running(1, 0.5, 'ceiling')), statusOf(running(0, 0.5, 'ceiling'))], ['met', 'breached'])
  })
  t.test('a null completion (goal 0) is achieved or behind', async (t) => {
    t.same([statusOf({ ...running(null, 1, 'growth'), achieved: true }), statusOf(running(null, 1, 'growth'))], ['achieved', 'behind'])
  })
  t.test('a closed target is closed, whatever its progress', async (t) => {
    t.equal(statusOf({ ...running(0.2, 1), outcome: 'cancelled' }), 'closed')
  })
  t.test('thresholds are configurable', async (t) => {
    t.equal(statusOf(running(0.4, 0.5), { onTrackGap: 0.05, laggingGap: 0.3 }), 'lagging')
  })
  t.test('lights: green for achieved/on_track/met, yellow for lagging, red for behind/breached', async (t) => {
    const statuses = ['achieved', 'on_track', 'met', 'lagging', 'behind', 'breached'] as const
    t.same(statuses.map((status) => lightOf(status, null)), ['green', 'green', 'green', 'yellow', 'red', 'red'])
  })
  t.test('lights: closed as achieved is green, cancelled has no light', async (t) => {
    t.same([lightOf('closed', 'achieved'), lightOf('closed', 'cancelled')], ['green', 'none'])
  })
})

t.test('overdue', async (t) => {
  const overdue = (latestAsOf: string | null, today: string, closed = false, finished = false) =>
    isOverdue({ latestAsOf, today, period: year, closed, finished })
  t.test('on the 5th, last month is not due yet', async (t) => {
    t.equal(overdue('2023-05-31', '2023-07-05'), false)
  })
  t.test('on the 6th, a report older than last month’s end is overdue', async (t) => {
    t.equal(overdue('2023-05-31', '2023-07-06'), true)
  })
  t.test('on the 6th, a report as of last month’s end is on time', async (t) => {
    t.equal(overdue('2023-06-30', '2023-07-06'), false)
  })
  t.test('no report is not overdue before the first month’s deadline', async (t) => {
    t.equal(overdue(null, '2023-02-05'), false)
  })
  t.test('no report is overdue once the first month’s deadline has passed', async (t) => {
    t.equal(overdue(null, '2023-02-06'), true)
  })
  t.test('after the period the final report is due until it arrives', async (t) => {
    t.same([overdue('2023-11-30', '2024-01-06'), overdue('2023-12-31', '2024-03-10')], [true, false])
  })
  t.test('a closed target is never overdue', async (t) => {
    t.equal(overdue(null, '2023-09-10', true), false)
  })
  t.test('a finished target (a milestone with every stage done) is never overdue: it has nothing left to report', async (t) => {
    t.same([overdue('2023-08-31', '2024-03-10', false, true), overdue('2023-08-31', '2024-03-10')], [false, true])
  })
})

t.test('zone rollup', async (t) => {
  const item = (groupId: string, weight: number, completion: number | null, status: RollupItem['status'], cancelled = false): RollupItem => ({
    groupId,
    weight,
    completion,
    status,
    cancelled,
  })
  // kfq by hand: projects 45/39 clamps to 1 (w 2), unemployment met 1 (w 1), craft centre 1/4 (w 1),
  // tourism −4/20 clamps to 0 (w 1), a cancelled target (w 3) left out:
  // (2·1 + 1·1 + 1·0.25 + 1·0) / (2 + 1 + 1 + 1) = 3.25 / 5 = 0.65.
  const kfq = [
    item('kfq', 2, 45 / 39, 'achieved'),
    item('kfq', 1, 1, 'met'),
    item('kfq', 1, 0.25, 'lagging'),
    item('kfq', 1, -0.2, 'behind'),
    item('kfq', 3, 0.1, 'closed', true),
  ]
  // gjq: 0.65 (w 1) and a goal-0 target (completion null) left out of both sums: 0.65 / 1 = 0.65.
  const gjq = [item('gjq', 1, 0.65, 'on_track'), item('gjq', 1, null, 'achieved')]
  const district = [item('district', 1, 0.8, 'on_track')]
  const groups = rollup([...kfq, ...gjq, ...district])
  const kfqRollup = groups.find((group) => group.groupId === 'kfq')

  t.test('weighted completion clamps each target and leaves cancelled ones out: 3.25 / 5 = 0.65', async (t) => {
    t.equal(kfqRollup?.completion, 0.65)
  })
  t.test('counts per status exclude cancelled targets, which are counted apart', async (t) => {
    t.match(kfqRollup, { targets: 4, cancelled: 1, counts: { achieved: 1, met: 1, lagging: 1, behind: 1, closed: 0 } })
  })
  t.test('the on-track share counts on_track, achieved and met: 2 of 4', async (t) => {
    t.equal(kfqRollup?.onTrackShare, 0.5)
  })
  t.test('a null completion is left out of both sums', async (t) => {
    t.match(groups.find((group) => group.groupId === 'gjq'), { completion: 0.65, weight: 1, targets: 2 })
  })
  t.test('zones rank by completion, ties by on-track share (gjq 2/2 before kfq 2/4)', async (t) => {
    t.same(groups.map((group) => [group.rank, group.groupId]), [[1, 'district'], [2, 'gjq'], [3, 'kfq']])
  })
  t.test('full ties rank by zone id', async (t) => {
    const tied = rollup([item('zb', 1, 0.5, 'on_track'), item('za', 1, 0.5, 'on_track')])
    t.same(tied.map((group) => group.groupId), ['za', 'zb'])
  })
  t.test('a zone with only cancelled targets has no completion and ranks last', async (t) => {
    const ranked = rollup([item('za', 1, 0, 'closed', true), item('zb', 1, 0, 'behind')])
    t.same(ranked.map((group) => [group.groupId, group.completion]), [['zb', 0], ['za', null]])
  })
})

t.test('a domain error is a DomainError with a stable code, a category and JSON details', async (t) => {
  const error = errors.targetClosed('2023-12-31')
  t.ok(error instanceof DomainError)
  t.match(error, { code: 'TARGET.CLOSED', category: 'conflict', details: { closedOn: '2023-12-31' } })
})

t.test('quotient (completions and rollup means): null for a divisor of 0 or when the sums overflow (weights from before the bounds)', async (t) => {
  t.equal(quotient(3, 4), 0.75)
  t.equal(quotient(0, 0), null)
  t.equal(quotient(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY), null)
})
