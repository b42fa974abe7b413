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
