// The Target decider, command by command: given a history, when a command, then events or a DomainError.
import t from 'tap'
import type { Actor, TargetChanges, TargetDefinition } from '../../domain/index.js'
import { given } from './fixtures/spec.js'
import {
  accepted,
  admin,
  auditor,
  closed,
  corrected,
  craftCentre,
  defined,
  districtAgency,
  kfqAgency,
  on,
  otherAgency,
  projects,
  rejected,
  reported,
  secondAuditor,
  tourism,
  unemployment,
} from './fixtures/targets.js'

t.test('DefineTarget', async (t) => {
  const define = (data: TargetDefinition) => ({ type: 'DefineTarget', data }) as const

  t.test('an admin defines a target', async (t) => {
    given([]).when(define(projects), on(admin)).then(t, [{ type: 'TargetDefined', data: projects }])
  })

  t.test('only an admin defines targets', async (t) => {
    given([]).when(define(projects), on(kfqAgency)).thenThrows(t, 'ACTOR.ROLE_NOT_ALLOWED')
  })

  t.test('a target id is defined once', async (t) => {
    given([defined(projects)]).when(define(projects), on(admin)).thenThrows(t, 'TARGET.ALREADY_DEFINED')
  })

  const invalid: Array<[string, TargetDefinition]> = [
    ['a reach goal of 0', { ...projects, goal: 0 }],
    ['a negative reach goal', { ...projects, goal: -39 }],
    ['a ceiling limit of 0', { ...unemployment, limit: 0 }],
    ['a growth goal that is not finite', { ...tourism, goal: Number.NaN }],
    ['a blank quote', { ...projects, source: { document: 'report', quote: '  ' } }],
    ['a period that ends before it starts', { ...projects, period: { start: '2023-12-31', end: '2023-01-01' } }],
    ['a period date that is not a calendar day', { ...projects, period: { start: '2023-01-01', end: '2023-13-01' } }],
    ['a weight of 0', { ...projects, weight: 0 }],
    ['a milestone without stages', { ...craftCentre, stages: [] }],
    [
      'a milestone with a repeated stage id',
      { ...craftCentre, stages: [...craftCentre.stages, { id: 'design', title: { zh: '再设计', en: 'Redesign' }, weight: 1 }] },
    ],
    ['a stage weight of 0', { ...craftCentre, stages: [{ id: 'open', title: { zh: '开放', en: 'Opening' }, weight: 0 }] }],
    // Bounds that keep every completion and rollup a finite number (a 1e308 weight made the zone's expected NaN).
    ['a weight above 1e6', { ...projects, weight: 1e308 }],
    ['a stage weight above 1e6', { ...craftCentre, stages: [{ id: 'open', title: { zh: '开放', en: 'Opening' }, weight: 2e6 }] }],
    ['a reach goal above 1e15', { ...projects, goal: 1e16 }],
    ['a reach goal below 1e-6', { ...projects, goal: 1e-9 }],
    ['a ceiling limit above 1e15', { ...unemployment, limit: 1e300 }],
    ['a growth goal nearer 0 than 1e-6', { ...tourism, goal: -1e-9 }],
  ]

  for (const [what, definition] of invalid) {
    t.test(`${what} is an invalid definition`, async (t) => {
      given([]).when(define(definition), on(admin)).thenThrows(t, 'TARGET.INVALID_DEFINITION')
    })
  }

  t.test('a growth goal of 0 (hold level) is valid', async (t) => {
    const hold = { ...tourism, goal: 0 }
    given([]).when(define(hold), on(admin)).then(t, [{ type: 'TargetDefined', data: hold }])
  })

  t.test('goals and weights at the bounds are valid', async (t) => {
    for (const definition of [{ ...projects, goal: 1e15, weight: 1e6 }, { ...projects, goal: 1e-6 }, { ...tourism, goal: -1e15 }]) {
      given([]).when(define(definition), on(admin)).then(t, [{ type: 'TargetDefined', data: definition }])
    }
  })

  t.test('a negative growth goal (a reduction) is valid', async (t) => {
    const reduction = { ...tourism, goal: -3 }
    given([]).when(define(reduction), on(admin)).then(t, [{ type: 'TargetDefined', data: reduction }])
  })
})

t.test('ReportProgress', async (t) => {
  type Fields = { reportId?: string; asOf?: string; value?: number; stage?: string; reason?: string }
  const fields = (data: Fields) => ({ reportId: 'r-jun', asOf: '2023-06-30', ...data })
  const report = (data: Fields) => ({ type: 'ProgressReported', data: fields(data) }) as const
  const reportProgress = (data: Fields) => ({ type: 'ReportProgress', data: fields(data) }) as const

  const jan = reported({ reportId: 'r-jan', asOf: '2023-01-31', value: 4 })
  const may = reported({ reportId: 'r-may', asOf: '2023-05-31', value: 12 })

  t.test('an agency of the target zone reports a cumulative value', async (t) => {
    const data = { reportId: 'r-jun', asOf: '2023-06-30', value: 18, note: 'H1', evidence: [{ title: 'list', url: 'https://example.org/h1' }] }
    given([defined(projects)])
      .when({ type: 'ReportProgress', data }, on(kfqAgency))
      .then(t, [{ type: 'ProgressReported', data }])
  })

  t.test('a role other than agency may not report', async (t) => {
    given([defined(projects)]).when(reportProgress({ value: 18 }), on(auditor)).thenThrows(t, 'ACTOR.ROLE_NOT_ALLOWED')
  })

  t.test('an agency of another zone may not report', async (t) => {
    given([defined(projects)]).when(reportProgress({ value: 18 }), on(otherAgency)).thenThrows(t, 'ACTOR.ZONE_NOT_ALLOWED')
  })

  t.test('a target that was never defined cannot be reported on', async (t) => {
    given([]).when(reportProgress({ value: 18 }), on(kfqAgency)).thenThrows(t, 'TARGET.NOT_FOUND')
  })

  t.test('no report after close', async (t) => {
    given([defined(projects), closed('achieved', '2023-07-01')])
      .when(reportProgress({ value: 18 }), on(kfqAgency))
      .thenThrows(t, 'TARGET.CLOSED')
  })

  t.test('a report id is used once', async (t) => {
    given([defined(projects), may]).when(reportProgress({ reportId: 'r-may', value: 18 }), on(kfqAgency)).thenThrows(t, 'REPORT.ID_TAKEN')
  })

  t.test('asOf before the period is rejected', async (t) => {
    given([defined(projects)])
      .when(reportProgress({ asOf: '2022-12-31', value: 1 }), on(kfqAgency))
      .thenThrows(t, 'REPORT.AS_OF_OUTSIDE_PERIOD')
  })

  t.test('asOf after the period is rejected', async (t) => {
    given([defined(projects)])
      .when(reportProgress({ asOf: '2024-01-01', value: 40 }), on(kfqAgency, '2024-01-10'))
      .thenThrows(t, 'REPORT.AS_OF_OUTSIDE_PERIOD')
  })

  t.test('asOf after today is rejected', async (t) => {
    given([defined(projects)])
      .when(reportProgress({ asOf: '2023-07-16', value: 18 }), on(kfqAgency, '2023-07-15'))
      .thenThrows(t, 'REPORT.AS_OF_IN_FUTURE')
  })

  t.test('asOf today is accepted', async (t) => {
    given([defined(projects)])
      .when(reportProgress({ asOf: '2023-07-15', value: 18 }), on(kfqAgency, '2023-07-15'))
      .then(t, [report({ asOf: '2023-07-15', value: 18 })])
  })

  t.test('an asOf that is not a calendar day is malformed', async (t) => {
    given([defined(projects)]).when(reportProgress({ asOf: '2023-02-30', value: 1 }), on(kfqAgency)).thenThrows(t, 'DATE.INVALID')
  })

  t.test('a reach report needs a value', async (t) => {
    given([defined(projects)]).when(reportProgress({}), on(kfqAgency)).thenThrows(t, 'REPORT.VALUE_INVALID')
  })

  t.test('a reach value cannot be negative', async (t) => {
    given([defined(projects)]).when(reportProgress({ value: -1 }), on(kfqAgency)).thenThrows(t, 'REPORT.VALUE_INVALID')
  })

  t.test('a ceiling value cannot be negative', async (t) => {
    given([defined(unemployment)]).when(reportProgress({ value: -0.1 }), on(districtAgency)).thenThrows(t, 'REPORT.VALUE_INVALID')
  })

  t.test('a value must be finite', async (t) => {
    given([defined(projects)]).when(reportProgress({ value: Number.POSITIVE_INFINITY }), on(kfqAgency)).thenThrows(t, 'REPORT.VALUE_INVALID')
  })

  t.test('a value must be within ±1e15, so v / goal stays a finite number', async (t) => {
    given([defined(projects)]).when(reportProgress({ value: 1e308 }), on(kfqAgency)).thenThrows(t, 'REPORT.VALUE_INVALID')
    given([defined(projects)]).when(reportProgress({ value: 1e15 }), on(kfqAgency)).then(t, [{ type: 'ProgressReported', data: fields({ value: 1e15 }) }])
  })

  t.test('a reach report cannot name a stage', async (t) => {
    given([defined(projects)]).when(reportProgress({ value: 3, stage: 'design' }), on(kfqAgency)).thenThrows(t, 'REPORT.VALUE_INVALID')
  })

  t.test('negative growth is a valid report', async (t) => {
    given([defined(tourism)]).when(reportProgress({ value: -4.5 }), on(districtAgency)).then(t, [report({ value: -4.5 })])
  })

  t.test('a milestone report names a stage', async (t) => {
    given([defined(craftCentre)]).when(reportProgress({ stage: 'design' }), on(districtAgency)).then(t, [report({ stage: 'design' })])
  })

  t.test('a milestone report cannot carry a value', async (t) => {
    given([defined(craftCentre)]).when(reportProgress({ value: 1 }), on(districtAgency)).thenThrows(t, 'REPORT.VALUE_INVALID')
  })

  t.test('a milestone stage must exist', async (t) => {
    given([defined(craftCentre)]).when(reportProgress({ stage: 'demolish' }), on(districtAgency)).thenThrows(t, 'REPORT.UNKNOWN_STAGE')
  })

  t.test('a milestone stage already done cannot be reported again', async (t) => {
    given([defined(craftCentre), reported({ reportId: 'r-mar', asOf: '2023-03-31', stage: 'design' }, districtAgency)])
      .when(reportProgress({ stage: 'design' }), on(districtAgency))
      .thenThrows(t, 'REPORT.STAGE_ALREADY_DONE')
  })

  t.test('a stage whose report was rejected can be reported again', async (t) => {
    given([
      defined(craftCentre),
      reported({ reportId: 'r-mar', asOf: '2023-03-31', stage: 'design' }, districtAgency),
      rejected('r-mar'),
    ])
      .when(reportProgress({ stage: 'design' }), on(districtAgency))
      .then(t, [report({ stage: 'design' })])
  })

  t.test('a value lower than the latest earlier report without a reason is rejected', async (t) => {
    given([defined(projects), jan, may]).when(reportProgress({ value: 11 }), on(kfqAgency)).thenThrows(t, 'REPORT.DECREASE_NEEDS_REASON')
  })

  t.test('a value lower than the latest earlier report with a reason is accepted', async (t) => {
    const data = { value: 11, reason: 'one project withdrew' }
    given([defined(projects), jan, may]).when(reportProgress(data), on(kfqAgency)).then(t, [report(data)])
  })

  t.test('an equal value needs no reason', async (t) => {
    given([defined(projects), may]).when(reportProgress({ value: 12 }), on(kfqAgency)).then(t, [report({ value: 12 })])
  })

  t.test('the latest earlier report is by asOf, not by recording order', async (t) => {
    const lateJanFiling = reported({ reportId: 'r-jan', asOf: '2023-01-31', value: 20 }, kfqAgency, '2023-06-01T00:00:00.000Z')
    given([defined(projects), may, lateJanFiling]).when(reportProgress({ value: 13 }), on(kfqAgency)).then(t, [report({ value: 13 })])
  })

  t.test('a later report does not count as earlier: back-filling a lower value needs no reason', async (t) => {
    given([defined(projects), may])
      .when(reportProgress({ asOf: '2023-03-31', value: 8 }), on(kfqAgency))
      .then(t, [report({ asOf: '2023-03-31', value: 8 })])
  })

  t.test('a rejected report does not count as the latest earlier report', async (t) => {
    given([defined(projects), jan, may, rejected('r-may')]).when(reportProgress({ value: 11 }), on(kfqAgency)).then(t, [report({ value: 11 })])
  })

  t.test('a growth value lower than the latest earlier report needs a reason', async (t) => {
    given([defined(tourism), reported({ reportId: 'r-may', asOf: '2023-05-31', value: 9 }, districtAgency)])
      .when(reportProgress({ value: 7 }), on(districtAgency))
      .thenThrows(t, 'REPORT.DECREASE_NEEDS_REASON')
  })

  t.test('a lower ceiling value is good news and needs no reason', async (t) => {
    given([defined(unemployment), reported({ reportId: 'r-may', asOf: '2023-05-31', value: 5.2 }, districtAgency)])
      .when(reportProgress({ value: 4.9 }), on(districtAgency))
      .then(t, [report({ value: 4.9 })])
  })
})

t.test('CorrectReport', async (t) => {
  type Fields = { asOf?: string; value?: number; stage?: string; note?: string; reason?: string }
  const fields = (data: Fields) => ({ reportId: 'r-jun', reason: 'typo in the submitted figure', ...data })
  const correction = (data: Fields) => ({ type: 'ReportCorrected', data: fields(data) }) as const
  const correct = (data: Fields) => ({ type: 'CorrectReport', data: fields(data) }) as const

  const june = reported({ reportId: 'r-jun', asOf: '2023-06-30', value: 18 })

  t.test('the reporting agency corrects a value', async (t) => {
    given([defined(projects), june]).when(correct({ value: 17 }), on(kfqAgency)).then(t, [correction({ value: 17 })])
  })

  t.test('an auditor corrects a report', async (t) => {
    given([defined(projects), june]).when(correct({ asOf: '2023-06-29' }), on(auditor)).then(t, [correction({ asOf: '2023-06-29' })])
  })

  t.test('an admin may not correct a report', async (t) => {
    given([defined(projects), june]).when(correct({ value: 17 }), on(admin)).thenThrows(t, 'ACTOR.ROLE_NOT_ALLOWED')
  })

  t.test('an agency of another zone may not correct a report', async (t) => {
    given([defined(projects), june]).when(correct({ value: 17 }), on(otherAgency)).thenThrows(t, 'ACTOR.ZONE_NOT_ALLOWED')
  })

  t.test('the report must exist', async (t) => {
    given([defined(projects)]).when(correct({ value: 17 }), on(kfqAgency)).thenThrows(t, 'REPORT.NOT_FOUND')
  })

  t.test('a correction needs a reason', async (t) => {
    given([defined(projects), june]).when(correct({ value: 17, reason: '   ' }), on(kfqAgency)).thenThrows(t, 'REASON_REQUIRED')
  })

  t.test('a correction must change something', async (t) => {
    given([defined(projects), june]).when(correct({}), on(kfqAgency)).thenThrows(t, 'REPORT.CORRECTION_EMPTY')
  })

  t.test('a correction naming only the values the report has changes nothing, so it cannot reset a verdict', async (t) => {
    // june: value 18 as of 2023-06-30
    given([defined(projects), june, accepted('r-jun')]).when(correct({ value: 18, asOf: '2023-06-30' }), on(kfqAgency)).thenThrows(t, 'REPORT.CORRECTION_EMPTY')
    given([defined(projects), june, accepted('r-jun')]).when(correct({ value: 19, asOf: '2023-06-30' }), on(kfqAgency)).then(t, [correction({ value: 19, asOf: '2023-06-30' })])
  })

  t.test('a corrected value obeys the kind rules', async (t) => {
    given([defined(projects), june]).when(correct({ value: -2 }), on(kfqAgency)).thenThrows(t, 'REPORT.VALUE_INVALID')
  })

  t.test('a corrected asOf cannot be after today', async (t) => {
    given([defined(projects), june]).when(correct({ asOf: '2023-07-31' }), on(kfqAgency, '2023-07-15')).thenThrows(t, 'REPORT.AS_OF_IN_FUTURE')
  })

  t.test('a corrected stage cannot be one already done by another report', async (t) => {
    given([
      defined(craftCentre),
      reported({ reportId: 'r-mar', asOf: '2023-03-31', stage: 'design' }, districtAgency),
      reported({ reportId: 'r-jun', asOf: '2023-06-30', stage: 'build' }, districtAgency),
    ])
      .when(correct({ stage: 'design' }), on(districtAgency))
      .thenThrows(t, 'REPORT.STAGE_ALREADY_DONE')
  })

  t.test('a report on a closed target cannot be corrected', async (t) => {
    given([defined(projects), june, closed('achieved', '2023-12-31')])
      .when(correct({ value: 17 }), on(kfqAgency, '2024-01-03'))
      .thenThrows(t, 'TARGET.CLOSED')
  })

  t.test('a correction resets verification to pending', async (t) => {
    const correction17 = corrected(fields({ value: 17 }), kfqAgency, '2023-07-12T00:00:00.000Z')
    const state = given([defined(projects), june, accepted('r-jun'), correction17]).state()
    t.match(state, { reports: [{ reportId: 'r-jun', value: 17, verification: 'pending', verdict: null }] })
  })

  t.test('a corrected report that was accepted can be judged again', async (t) => {
    given([defined(projects), june, accepted('r-jun'), corrected(fields({ value: 17 }), kfqAgency, '2023-07-12T00:00:00.000Z')])
      .when({ type: 'AcceptReport', data: { reportId: 'r-jun' } }, on(secondAuditor))
      .then(t, [{ type: 'ReportAccepted', data: { reportId: 'r-jun' } }])
  })
})

t.test('AcceptReport / RejectReport', async (t) => {
  const june = reported({ reportId: 'r-jun', asOf: '2023-06-30', value: 18 })
  const accept = { type: 'AcceptReport', data: { reportId: 'r-jun', comment: 'matches the investment ledger' } } as const
  const reject = (reason: string) => ({ type: 'RejectReport', data: { reportId: 'r-jun', reason } }) as const

  t.test('an auditor accepts a pending report', async (t) => {
    given([defined(projects), june]).when(accept, on(auditor)).then(t, [{ type: 'ReportAccepted', data: accept.data }])
  })

  t.test('an auditor rejects a pending report with a reason', async (t) => {
    given([defined(projects), june])
      .when(reject('two projects double counted'), on(auditor))
      .then(t, [{ type: 'ReportRejected', data: { reportId: 'r-jun', reason: 'two projects double counted' } }])
  })

  t.test('a rejection needs a reason', async (t) => {
    given([defined(projects), june]).when(reject(''), on(auditor)).thenThrows(t, 'REASON_REQUIRED')
  })

  t.test('only an auditor judges reports', async (t) => {
    given([defined(projects), june]).when(accept, on(kfqAgency)).thenThrows(t, 'ACTOR.ROLE_NOT_ALLOWED')
  })

  t.test('an accepted report is already decided', async (t) => {
    given([defined(projects), june, accepted('r-jun')]).when(accept, on(secondAuditor)).thenThrows(t, 'REPORT.ALREADY_DECIDED')
  })

  t.test('a rejected report is already decided', async (t) => {
    given([defined(projects), june, rejected('r-jun')]).when(accept, on(secondAuditor)).thenThrows(t, 'REPORT.ALREADY_DECIDED')
  })

  t.test('an auditor cannot judge a report it submitted', async (t) => {
    const wangAsAgency: Actor = { id: auditor.id, role: 'agency', zones: ['kfq'] }
    given([defined(projects), reported({ reportId: 'r-jun', asOf: '2023-06-30', value: 18 }, wangAsAgency)])
      .when(accept, on(auditor))
      .thenThrows(t, 'REPORT.OWN_REPORT_VERDICT')
  })

  t.test('an auditor cannot judge a report it corrected', async (t) => {
    given([defined(projects), june, corrected({ reportId: 'r-jun', value: 17, reason: 'typo' }, auditor, '2023-07-11T00:00:00.000Z')])
      .when(reject('still wrong'), on(auditor))
      .thenThrows(t, 'REPORT.OWN_REPORT_VERDICT')
  })

  t.test('another auditor can judge a report an auditor corrected', async (t) => {
    given([defined(projects), june, corrected({ reportId: 'r-jun', value: 17, reason: 'typo' }, auditor, '2023-07-11T00:00:00.000Z')])
      .when(accept, on(secondAuditor))
      .then(t, [{ type: 'ReportAccepted', data: accept.data }])
  })

  t.test('the report must exist', async (t) => {
    given([defined(projects)]).when(accept, on(auditor)).thenThrows(t, 'REPORT.NOT_FOUND')
  })

  t.test('a report still pending at the close can be judged after it', async (t) => {
    given([defined(projects), june, closed('achieved', '2023-12-31')])
      .when(accept, on(auditor, '2024-01-03'))
      .then(t, [{ type: 'ReportAccepted', data: accept.data }])
  })
})

t.test('ReviseTarget', async (t) => {
  const revise = (changes: TargetChanges, extra: { effectiveFrom?: string; reason?: string; authority?: string } = {}) =>
    ({
      type: 'ReviseTarget',
      data: { changes, reason: 'mid-year review', authority: 'District NPC standing committee resolution 2023-7', ...extra },
    }) as const

  t.test('an admin revises a goal, effective today by default', async (t) => {
    given([defined(projects)])
      .when(revise({ goal: 45 }), on(admin, '2023-07-15'))
      .then(t, [
        {
          type: 'TargetRevised',
          data: {
            changes: { goal: 45 },
            effectiveFrom: '2023-07-15',
            reason: 'mid-year review',
            authority: 'District NPC standing committee resolution 2023-7',
          },
        },
      ])
  })

  t.test('a revision keeps an explicit effectiveFrom', async (t) => {
    given([defined(projects)])
      .when(revise({ goal: 45 }, { effectiveFrom: '2023-07-01' }), on(admin, '2023-07-15'))
      .then(t, [{ type: 'TargetRevised', data: { ...revise({ goal: 45 }).data, effectiveFrom: '2023-07-01' } }])
  })

  t.test('a revision needs a reason', async (t) => {
    given([defined(projects)]).when(revise({ goal: 45 }, { reason: '' }), on(admin)).thenThrows(t, 'REASON_REQUIRED')
  })

  t.test('a revision needs an authority', async (t) => {
    given([defined(projects)]).when(revise({ goal: 45 }, { authority: ' ' }), on(admin)).thenThrows(t, 'REVISION.AUTHORITY_REQUIRED')
  })

  t.test('a revision must change something', async (t) => {
    given([defined(projects)]).when(revise({}), on(admin)).thenThrows(t, 'REVISION.INVALID')
  })

  t.test('a revision must fit the kind: no limit on a reach target', async (t) => {
    given([defined(projects)]).when(revise({ limit: 5 }), on(admin)).thenThrows(t, 'REVISION.INVALID')
  })

  t.test('a revision must fit the kind: no goal on a ceiling target', async (t) => {
    given([defined(unemployment)]).when(revise({ goal: 5 }), on(admin)).thenThrows(t, 'REVISION.INVALID')
  })

  t.test('a revision keeps the definition valid', async (t) => {
    given([defined(projects)]).when(revise({ goal: 0 }), on(admin)).thenThrows(t, 'TARGET.INVALID_DEFINITION')
  })

  t.test('a milestone revision replaces the stages', async (t) => {
    const stages = craftCentre.stages.slice(0, 2)
    given([defined(craftCentre)])
      .when(revise({ stages }, { effectiveFrom: '2023-08-01' }), on(admin))
      .then(t, [{ type: 'TargetRevised', data: { ...revise({ stages }).data, effectiveFrom: '2023-08-01' } }])
  })

  t.test('only an admin revises', async (t) => {
    given([defined(projects)]).when(revise({ goal: 45 }), on(kfqAgency)).thenThrows(t, 'ACTOR.ROLE_NOT_ALLOWED')
  })

  t.test('a closed target cannot be revised', async (t) => {
    given([defined(projects), closed('achieved', '2023-12-31')]).when(revise({ goal: 45 }), on(admin, '2024-01-02')).thenThrows(t, 'TARGET.CLOSED')
  })

  t.test('an undefined target cannot be revised', async (t) => {
    given([]).when(revise({ goal: 45 }), on(admin)).thenThrows(t, 'TARGET.NOT_FOUND')
  })
})

t.test('CloseTarget', async (t) => {
  t.test('an admin closes a target as achieved on today', async (t) => {
    given([defined(projects)])
      .when({ type: 'CloseTarget', data: { outcome: 'achieved' } }, on(admin, '2024-01-20'))
      .then(t, [{ type: 'TargetClosed', data: { outcome: 'achieved', closedOn: '2024-01-20' } }])
  })

  t.test('an admin cancels a target with a reason', async (t) => {
    const data = { outcome: 'cancelled', reason: 'project moved to another district' } as const
    given([defined(projects)])
      .when({ type: 'CloseTarget', data }, on(admin, '2023-09-01'))
      .then(t, [{ type: 'TargetClosed', data: { ...data, closedOn: '2023-09-01' } }])
  })

  t.test('cancelling a target needs a reason', async (t) => {
    given([defined(projects)])
      .when({ type: 'CloseTarget', data: { outcome: 'cancelled', reason: ' ' } }, on(admin))
      .thenThrows(t, 'REASON_REQUIRED')
  })

  t.test('only an admin closes a target', async (t) => {
    given([defined(projects)])
      .when({ type: 'CloseTarget', data: { outcome: 'achieved' } }, on(kfqAgency))
      .thenThrows(t, 'ACTOR.ROLE_NOT_ALLOWED')
  })

  t.test('a closed target cannot be closed again', async (t) => {
    given([defined(projects), closed('achieved', '2023-12-31')])
      .when({ type: 'CloseTarget', data: { outcome: 'cancelled', reason: 'again' } }, on(admin, '2024-01-02'))
      .thenThrows(t, 'TARGET.CLOSED')
  })

  t.test('an undefined target cannot be closed', async (t) => {
    given([]).when({ type: 'CloseTarget', data: { outcome: 'achieved' } }, on(admin)).thenThrows(t, 'TARGET.NOT_FOUND')
  })

  t.test('closing records the closure in state', async (t) => {
    const state = given([defined(projects), closed('cancelled', '2023-09-01', 'merged into another target')]).state()
    t.match(state, { status: 'closed', closure: { outcome: 'cancelled', closedOn: '2023-09-01', reason: 'merged into another target' } })
  })
})
