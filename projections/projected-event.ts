// What a projection sees of one stored target event: the domain event plus where it sits in the log.
import type { RecordedTargetEvent } from '../domain/index.js'

export interface ProjectedEvent {
  /** The domain event, with its actor and recorded time. */
  event: RecordedTargetEvent
  targetId: string
  streamId: string
  /** 0-based revision within the target's stream. */
  revision: bigint
  /** Global position in the log; grows with every event. */
  position: bigint
  correlationId: string
  causationId: string | null
  idempotencyKey: string | null
  schemaVersion: number
  /** Made-up demo data (`target-ledger demo`): `synthetic: true` in the event's metadata. */
  synthetic: boolean
  prevHash: string
  hash: string
  /**
   * The event's data exactly as stored, which its hash covers; `event.data` is the same or its
   * normalised decoding. Absent when they are the same object.
   */
  storedData?: unknown
}
