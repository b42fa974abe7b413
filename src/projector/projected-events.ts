// Stored events as projections see them: target events decoded (schemas checked), anything else skipped.
import type { ProjectedEvent } from '../../projections/projected-event.js'
import { decodeTargetEvent } from '../ledger/event-codec.js'
import { targetStreamPrefix } from '../ledger/target-ledger.js'
import type { StoredEvent } from '../store/event-store.js'

/** null for events outside target streams: the checkpoint moves past them, no projection sees them. */
export const toProjectedEvent = (stored: StoredEvent): ProjectedEvent | null => {
  if (!stored.streamId.startsWith(targetStreamPrefix)) return null
  const { event, metadata, hash } = decodeTargetEvent(stored)
  return {
    event,
    targetId: stored.streamId.slice(targetStreamPrefix.length),
    streamId: stored.streamId,
    revision: stored.revision,
    position: stored.position,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId ?? null,
    idempotencyKey: metadata.idempotencyKey ?? null,
    schemaVersion: metadata.schemaVersion,
    prevHash: metadata.prevHash,
    hash,
  }
}
