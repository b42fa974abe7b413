// Audit trail: every target event as an auditor reads it — who, when, why, and the hash chain.
import type { ActorRef, Instant, TargetEvent } from '../domain/index.js'
import type { ProjectedEvent } from './projected-event.js'
import type { Projection } from './projection.js'

export interface AuditEntry {
  position: bigint
  streamId: string
  targetId: string
  revision: bigint
  type: TargetEvent['type']
  actor: ActorRef
  recordedAt: Instant
  correlationId: string
  causationId: string | null
  idempotencyKey: string | null
  schemaVersion: number
  /** Made-up demo data (`target-ledger demo`), as its metadata says. */
  synthetic: boolean
  /** The reason the event gives, where its type has one (decrease, correction, rejection, revision, closure). */
  reason: string | null
  prevHash: string
  hash: string
  /** The event's data as recorded: with the fields above, enough to recompute the hash. */
  data: TargetEvent['data']
}

export const reasonOf = (event: TargetEvent): string | null => {
  switch (event.type) {
    case 'ProgressReported':
    case 'TargetClosed':
      return event.data.reason ?? null
    case 'ReportCorrected':
    case 'ReportRejected':
    case 'TargetRevised':
      return event.data.reason
    case 'TargetDefined':
    case 'ReportAccepted':
      return null
    default: {
      const _exhaustive: never = event
      void _exhaustive
      return null
    }
  }
}

export const auditEntryOf = (projected: ProjectedEvent): AuditEntry => {
  const { event } = projected
  return {
    position: projected.position,
    streamId: projected.streamId,
    targetId: projected.targetId,
    revision: projected.revision,
    type: event.type,
    actor: { id: event.context.actor.id, role: event.context.actor.role },
    recordedAt: event.context.recordedAt,
    correlationId: projected.correlationId,
    causationId: projected.causationId,
    idempotencyKey: projected.idempotencyKey,
    schemaVersion: projected.schemaVersion,
    synthetic: projected.synthetic,
    reason: reasonOf(event),
    prevHash: projected.prevHash,
    hash: projected.hash,
    data: (projected.storedData ?? event.data) as TargetEvent['data'],
  }
}

/** One entry per event, never changed: the document of an event is its entry. */
export const auditTrail: Projection<AuditEntry | null> = {
  name: 'audit-trail',
  // 2: indexed by (stream, revision) rather than (target, position); data as stored, not as decoded.
  // 3: the `synthetic` flag of demo events.
  version: 3,
  handles: ['TargetDefined', 'ProgressReported', 'ReportCorrected', 'ReportAccepted', 'ReportRejected', 'TargetRevised', 'TargetClosed'],
  evolve: (entry, projected) => entry ?? auditEntryOf(projected),
}
