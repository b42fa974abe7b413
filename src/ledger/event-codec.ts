// Reads stored events back into domain events, checking them against their schemas: the log is
// the source of truth, so anything malformed in it is reported loudly rather than folded silently.
import type { RecordedTargetEvent, TargetEvent, TargetEventType } from '../../domain/events.js'
import type { StoredEvent } from '../store/event-store.js'
import { eventMetadataSchema, type EventMetadata } from './event-metadata.js'
import { targetEventDataSchemas } from './event-schemas.js'

export class CorruptEvent extends Error {
  readonly code = 'STORE.CORRUPT_EVENT'
  constructor(
    readonly streamId: string,
    readonly revision: bigint,
    readonly problem: string,
  ) {
    super(`event ${streamId}@${revision} cannot be read: ${problem}`)
    this.name = 'CorruptEvent'
  }
}

export interface DecodedTargetEvent {
  event: RecordedTargetEvent
  metadata: EventMetadata
  hash: string
}

const isTargetEventType = (type: string): type is TargetEventType => Object.hasOwn(targetEventDataSchemas, type)

export const decodeTargetEvent = (stored: StoredEvent): DecodedTargetEvent => {
  if (!isTargetEventType(stored.type)) throw new CorruptEvent(stored.streamId, stored.revision, `unknown type ${stored.type}`)
  const metadata = eventMetadataSchema.safeParse(stored.metadata)
  if (!metadata.success) throw new CorruptEvent(stored.streamId, stored.revision, `metadata: ${metadata.error.message}`)
  const data = targetEventDataSchemas[stored.type].safeParse(stored.data)
  if (!data.success) throw new CorruptEvent(stored.streamId, stored.revision, `data: ${data.error.message}`)
  const event = { type: stored.type, data: data.data } as TargetEvent
  const { actor, recordedAt, hash } = metadata.data
  return {
    event: { ...event, context: { actor: { id: actor.id, role: actor.role }, recordedAt } },
    metadata: metadata.data,
    hash,
  }
}
