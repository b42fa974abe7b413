// The tamper-evident chain of DESIGN §3: each event's hash covers its content and the previous hash.
import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'
import type { Json } from '../store/event-store.js'

export const genesisHash = '0'.repeat(64)

export interface HashInput {
  streamId: string
  revision: bigint
  type: string
  data: Json
  /** The metadata without its `hash` field (it holds `prevHash`). */
  metadata: Json
}

/**
 * sha256(prevHash ‖ RFC 8785 canonical JSON of {streamId, revision, type, data, metadata}).
 * The revision is hashed as a JSON number: streams never approach 2^53 events.
 */
export const hashEvent = (prevHash: string, input: HashInput): string => {
  const canonical = canonicalize({ ...input, revision: Number(input.revision) })
  if (canonical === undefined) throw new TypeError('event is not JSON-serialisable')
  return createHash('sha256').update(prevHash).update(canonical).digest('hex')
}

export type ChainBreakReason =
  /** The stored hash does not cover the event's content: data, type or metadata were changed. */
  | 'hash_mismatch'
  /** The event does not chain to the stream's previous event: one was removed and the rest renumbered, or reordered. */
  | 'prev_hash_mismatch'
  /** A revision is missing: the event at `revision` was removed (or moved away). */
  | 'revision_gap'
  /** A revision the stream already had appears again (possible only where revisions are not kept unique). */
  | 'revision_repeated'
  /** No `hash` / `prevHash` in the metadata. */
  | 'metadata_missing'
  /** The event's hash is intact but was computed for another stream (`movedFrom`): it was moved or copied here. */
  | 'event_moved'

export interface ChainBreak {
  streamId: string
  /** Where the chain breaks: the offending event's revision, or for `revision_gap` the missing one. */
  revision: bigint
  reason: ChainBreakReason
  /** For `event_moved`: the stream and revision the event's hash was computed for. */
  movedFrom?: { streamId: string; revision: bigint }
}

export interface ChainedEvent {
  streamId: string
  revision: bigint
  type: string
  data: Json
  metadata: Json
}

/** A stream's last verified event: what its next event must chain to. */
export interface ChainHead {
  revision: bigint
  hash: string
}

export type LinkCheck =
  | { ok: true; head: ChainHead }
  | { ok: false; reason: Exclude<ChainBreakReason, 'event_moved'>; revision: bigint }

interface Seal {
  hash: string
  prevHash: string
  /** The metadata without `hash`: what the hash covers. */
  sealed: Json
}

const sealOf = (metadata: Json): Seal | undefined => {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) return undefined
  const { hash, ...sealed } = metadata
  const prevHash = sealed['prevHash']
  if (typeof hash !== 'string' || typeof prevHash !== 'string') return undefined
  return { hash, prevHash, sealed }
}

const hashAt = (event: ChainedEvent, seal: Seal, streamId: string, revision: bigint): string =>
  hashEvent(seal.prevHash, { streamId, revision, type: event.type, data: event.data, metadata: seal.sealed })

/**
 * One link of a chain: does `event` follow `head` (undefined: the stream's start)? The revision
 * comes first, then the seal, the link to the previous hash, and last the hash over the content.
 */
export const checkLink = (head: ChainHead | undefined, event: ChainedEvent): LinkCheck => {
  const expected = head === undefined ? 0n : head.revision + 1n
  if (event.revision > expected) return { ok: false, reason: 'revision_gap', revision: expected }
  if (event.revision < expected) return { ok: false, reason: 'revision_repeated', revision: event.revision }
  const seal = sealOf(event.metadata)
  if (seal === undefined) return { ok: false, reason: 'metadata_missing', revision: event.revision }
  if (seal.prevHash !== (head?.hash ?? genesisHash)) return { ok: false, reason: 'prev_hash_mismatch', revision: event.revision }
  if (hashAt(event, seal, event.streamId, event.revision) !== seal.hash) return { ok: false, reason: 'hash_mismatch', revision: event.revision }
  return { ok: true, head: { revision: event.revision, hash: seal.hash } }
}

/**
 * Whether `event` is, unchanged, the event that followed `head` in stream `streamId`: its hash
 * verifies with that stream id and revision and it chains to that head. Recognises moved events.
 */
export const followsIn = (event: ChainedEvent, streamId: string, head: ChainHead | undefined): boolean => {
  const seal = sealOf(event.metadata)
  if (seal === undefined || seal.prevHash !== (head?.hash ?? genesisHash)) return false
  return hashAt(event, seal, streamId, head === undefined ? 0n : head.revision + 1n) === seal.hash
}

/**
 * Walks one stream's events in revision order and returns the first place its hash chain breaks,
 * or undefined when every event's hash covers its content and the previous hash.
 */
export const findChainBreak = async (events: AsyncIterable<ChainedEvent> | Iterable<ChainedEvent>): Promise<ChainBreak | undefined> => {
  let head: ChainHead | undefined
  for await (const event of events) {
    const link = checkLink(head, event)
    if (!link.ok) return { streamId: event.streamId, revision: link.revision, reason: link.reason }
    head = link.head
  }
  return undefined
}
