// The audit trail's entries: who, when, why, and the hash chain, for every event type.
import t from 'tap'
import { auditEntryOf, reasonOf } from '../../projections/audit-trail.js'
import { accepted, auditor, closed, corrected, defined, kfqAgency, projects, rejected, reported, revised } from '../domain/fixtures/targets.js'
import { projected } from './fixtures/projected.js'

t.test('an entry carries the event’s place in the log, its actor, recorded time, correlation and hashes', async (t) => {
  const [event] = projected(projects.id, [reported({ reportId: 'r1', asOf: '2023-06-30', value: 21, reason: 'recount' })], 42)
  t.strictSame(auditEntryOf(event!), {
    position: 42n,
    streamId: `target-${projects.id}`,
    targetId: projects.id,
    revision: 0n,
    type: 'ProgressReported',
    actor: { id: kfqAgency.id, role: 'agency' },
    recordedAt: '2023-06-30T12:00:00.000Z',
    correlationId: 'req-0',
    causationId: null,
    idempotencyKey: null,
    schemaVersion: 1,
    synthetic: false,
    reason: 'recount',
    prevHash: event!.prevHash,
    hash: event!.hash,
    data: { reportId: 'r1', asOf: '2023-06-30', value: 21, reason: 'recount' },
  })
})

t.test('the reason is taken from every event type that has one', async (t) => {
  const reasons = [
    defined(projects),
    reported({ reportId: 'r1', asOf: '2023-06-30', value: 21 }),
    corrected({ reportId: 'r1', value: 20, reason: 'double-counted' }, kfqAgency, '2023-07-01T00:00:00.000Z'),
    accepted('r1', auditor),
    rejected('r1', auditor),
    revised({ changes: { goal: 45 }, effectiveFrom: '2023-07-01', reason: 'mid-year review', authority: 'congress' }),
    closed('cancelled', '2023-08-01', 'merged into another target'),
  ].map(reasonOf)
  t.same(reasons, [null, null, 'double-counted', null, 'no evidence', 'mid-year review', 'merged into another target'])
})
