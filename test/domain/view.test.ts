// Folding a history at knownAt and reading it as of asOf: values, completion, status and flags a reader sees.
import t from 'tap'
import { foldTarget, isDefined, viewAt, type RecordedTargetEvent, type TargetView } from '../../domain/index.js'
import {
  accepted,
  closed,
  corrected,
  craftCentre,
  defined,
  districtAgency,
  kfqAgency,
  projects,
  rejected,
  reported,
  revised,
  tourism,
  unemployment,
} from './fixtures/targets.js'

const view = (history: RecordedTargetEvent[], asOf: string, knownAt?: string): TargetView => {
  const state = foldTarget(history, knownAt === undefined ? {} : { knownAt })
  if (!isDefined(state)) throw new Error('target not defined in this history')
  return viewAt(state, { asOf })
}

const may = reported({ reportId: 'r-may', asOf: '2023-05-31', value: 12 })
const june = reported({ reportId: 'r-jun', asOf: '2023-06-30', value: 18 })

t.test('overachievement: completion above 1 is kept, and the target is achieved', async (t) => {
  t.match(view([defined(projects), reported({ reportId: 'r-nov', asOf: '2023-11-30', value: 45 })], '2023-11-30'), {
    reported: { value: 45, completion: 45 / 39 },
    status: 'achieved',
    light: 'green',
  })
})

t.test('a target with no report counts as 0 and is flagged unreported', async (t) => {
  t.match(view([defined(projects)], '2023-03-01'), {
    reported: { value: 0, completion: 0, reportId: null, asOf: null },
    unreported: true,
  })
})

t.test('the value on a day is the report with the greatest asOf on or before it', async (t) => {
  t.match(view([defined(projects), june, may], '2023-06-15'), { reported: { value: 12, reportId: 'r-may' } })
})

t.test('on the same asOf the later recorded report wins', async (t) => {
  const again = reported({ reportId: 'r-jun-2', asOf: '2023-06-30', value: 19, reason: 'late addition' }, kfqAgency, '2023-07-02T00:00:00.000Z')
  t.match(view([defined(projects), june, again], '2023-06-30'), { reported: { value: 19, reportId: 'r-jun-2' } })
})

t.test('rejected reports are excluded from the reported value', async (t) => {
  t.match(view([defined(projects), may, june, rejected('r-jun')], '2023-07-15'), { reported: { value: 12, reportId: 'r-may' } })
})

t.test('the verified value counts accepted reports only', async (t) => {
  t.match(view([defined(projects), may, accepted('r-may'), june], '2023-07-15'), {
    reported: { value: 18 },
    verified: { value: 12, reportId: 'r-may', completion: 12 / 39 },
  })
})

t.test('status compares completion with expected progress: 19.5/39 at half-year is on track', async (t) => {
  const monthly = { ...projects, pacing: 'monthly' as const }
  t.match(view([defined(monthly), reported({ reportId: 'r-jun', asOf: '2023-06-30', value: 15.6 })], '2023-07-15'), {
    expected: 0.5,
    status: 'on_track',
    light: 'green',
  })
})

t.test('a ceiling at its limit is met', async (t) => {
  t.match(view([defined(unemployment), reported({ reportId: 'r', asOf: '2023-06-30', value: 5.5 }, districtAgency)], '2023-07-15'), {
    status: 'met',
    reported: { completion: 1 },
  })
})

t.test('a ceiling just above its limit is breached', async (t) => {
  t.match(view([defined(unemployment), reported({ reportId: 'r', asOf: '2023-06-30', value: 5.51 }, districtAgency)], '2023-07-15'), {
    status: 'breached',
    light: 'red',
  })
})

t.test('a ceiling is achieved only by the value standing at period end', async (t) => {
  const history = [defined(unemployment), reported({ reportId: 'r', asOf: '2023-11-30', value: 5.1 }, districtAgency)]
  t.same([view(history, '2023-12-30').reported.achieved, view(history, '2023-12-31').reported.achieved], [false, true])
})

t.test('negative growth gives negative completion and is behind', async (t) => {
  t.match(view([defined(tourism), reported({ reportId: 'r', asOf: '2023-06-30', value: -4 }, districtAgency)], '2023-07-15'), {
    reported: { completion: -0.2 },
    gap: 1.2,
    status: 'behind',
  })
})

t.test('a growth goal of 0 gives completion and gap null', async (t) => {
  t.match(view([defined({ ...tourism, goal: 0 }), reported({ reportId: 'r', asOf: '2023-06-30', value: 2 }, districtAgency)], '2023-07-15'), {
    reported: { completion: null },
    gap: null,
    status: 'achieved',
  })
})

t.test('milestone: done stages of reports not rejected, weighted', async (t) => {
  const history = [
    defined(craftCentre),
    reported({ reportId: 'r-design', asOf: '2023-03-31', stage: 'design' }, districtAgency),
    reported({ reportId: 'r-open', asOf: '2023-06-30', stage: 'open' }, districtAgency),
    rejected('r-open'),
  ]
  t.match(view(history, '2023-07-15'), { reported: { value: 1, completion: 1 / 4, doneStages: ['design'], reportId: 'r-design' } })
})

t.test('a revision changes completion from its effective date on', async (t) => {
  const history = [
    defined(projects),
    reported({ reportId: 'r-jun', asOf: '2023-06-30', value: 30 }),
    revised({ changes: { goal: 45 }, effectiveFrom: '2023-07-01', reason: 'new industrial park', authority: 'NPC resolution' }),
  ]
  t.match(view(history, '2023-07-31'), { definition: { goal: 45 }, reported: { completion: 30 / 45 } })
})

t.test('history keeps the old goal: before the revision the original is in force', async (t) => {
  const history = [
    defined(projects),
    reported({ reportId: 'r-jun', asOf: '2023-06-30', value: 30 }),
    revised({ changes: { goal: 45 }, effectiveFrom: '2023-07-01', reason: 'new industrial park', authority: 'NPC resolution' }),
  ]
  t.match(view(history, '2023-06-30'), {
    definition: { goal: 39 },
    reported: { completion: 30 / 39 },
    revisions: [{ changes: { goal: 45 }, effectiveFrom: '2023-07-01', authority: 'NPC resolution' }],
  })
})

t.test('a target is closed only from its closing day on', async (t) => {
  const history = [defined(projects), june, closed('cancelled', '2023-09-01')]
  t.same(
    [view(history, '2023-08-31'), view(history, '2023-09-01')].map(({ closed, status, outcome, light }) => ({ closed, status, outcome, light })),
    [
      { closed: false, status: 'lagging', outcome: null, light: 'yellow' },
      { closed: true, status: 'closed', outcome: 'cancelled', light: 'none' },
    ],
  )
})

t.test('a running target whose latest report is older than last month’s end is overdue after the 5th', async (t) => {
  t.same([view([defined(projects), may], '2023-07-05').overdue, view([defined(projects), may], '2023-07-06').overdue], [false, true])
})

t.test('a milestone with every stage done is never overdue (it cannot report again); one with a stage left is', async (t) => {
  const stage = (id: string, asOf: string) => reported({ reportId: `r-${id}`, asOf, stage: id }, districtAgency)
  const twoDone = [defined(craftCentre), stage('design', '2023-03-31'), stage('build', '2023-06-30')]
  const allDone = [...twoDone, stage('open', '2023-08-31')]
  t.same(
    [view(twoDone, '2024-03-10'), view(allDone, '2024-03-10')].map(({ status, overdue }) => ({ status, overdue })),
    [
      { status: 'lagging', overdue: true },
      { status: 'achieved', overdue: false },
    ],
  )
})

t.test('the reports list holds reports effective by asOf, with their verification', async (t) => {
  const reports = view([defined(projects), may, accepted('r-may'), june], '2023-06-15').reports
  t.same(reports.map(({ reportId, verification }) => ({ reportId, verification })), [{ reportId: 'r-may', verification: 'accepted' }])
})

t.test('a view survives a JSON round trip unchanged', async (t) => {
  const design = reported({ reportId: 'r', asOf: '2023-03-31', stage: 'design', note: 'drawings approved' }, districtAgency)
  const v = view([defined(craftCentre), design, accepted('r')], '2023-07-15')
  t.strictSame(JSON.parse(JSON.stringify(v)), v)
})

t.test('two kinds of time', async (t) => {
  // Scripted history: January's report recorded on 2 February; June's recorded 3 July and corrected
  // on 20 July; July's recorded 2 August.
  const history = [
    defined(projects),
    reported({ reportId: 'r-jan', asOf: '2023-01-31', value: 3 }, kfqAgency, '2023-02-02T10:00:00.000Z'),
    reported({ reportId: 'r-jun', asOf: '2023-06-30', value: 15 }, kfqAgency, '2023-07-03T10:00:00.000Z'),
    corrected({ reportId: 'r-jun', value: 18, reason: 'two projects signed late' }, kfqAgency, '2023-07-20T10:00:00.000Z'),
    reported({ reportId: 'r-jul', asOf: '2023-07-31', value: 20 }, kfqAgency, '2023-08-02T10:00:00.000Z'),
  ]
  const cases: Array<[string, string | undefined, string, { value: number; unreported: boolean }]> = [
    ['on 1 Feb nobody knew January yet', '2023-02-01T23:59:59.999Z', '2023-01-31', { value: 0, unreported: true }],
    ['the instant January was recorded it is known', '2023-02-02T10:00:00.000Z', '2023-01-31', { value: 3, unreported: false }],
    ['with everything known, end of May still shows January', undefined, '2023-05-31', { value: 3, unreported: false }],
    ['on 15 July we believed 30 June was 15', '2023-07-15T00:00:00.000Z', '2023-06-30', { value: 15, unreported: false }],
    ['today we know 30 June was 18 (corrected)', undefined, '2023-06-30', { value: 18, unreported: false }],
    ['18:00 +08:00 on 20 July is the correction’s instant', '2023-07-20T18:00:00+08:00', '2023-06-30', { value: 18, unreported: false }],
    ['on 15 July, July was still 15 as far as we knew', '2023-07-15T00:00:00.000Z', '2023-07-31', { value: 15, unreported: false }],
    ['today July is 20', undefined, '2023-07-31', { value: 20, unreported: false }],
  ]
  for (const [what, knownAt, asOf, expected] of cases) {
    t.test(what, async (t) => {
      const { reported, unreported } = view(history, asOf, knownAt)
      t.same({ value: reported.value, unreported }, expected)
    })
  }
  t.test('before the definition was recorded the target does not exist', async (t) => {
    t.equal(isDefined(foldTarget(history, { knownAt: '2022-12-31T23:59:59.000Z' })), false)
  })
})
