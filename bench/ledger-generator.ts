// Writes a long hash-chained log straight into a SQLite store, fast: the fixture of the verify and
// projector benchmarks. What the events say is up to each stream's generator.
import { randomBytes } from 'node:crypto'
import { genesisHash, hashEvent } from '../src/ledger/event-hash.js'
import type { EventToAppend, Json } from '../src/store/event-store.js'
import type { SqliteEventStore } from '../src/store/sqlite-event-store.js'

/** An event before it joins the chain: the generator adds `prevHash` and `hash` to its metadata. */
export interface GeneratedEvent {
  type: string
  data: Json
  metadata: { [key: string]: Json }
}

export interface StreamGenerator {
  streamId: string
  /** The stream's event at `revision` (0-based); called once per revision, in order. */
  next(revision: bigint): GeneratedEvent
}

/** Events per append; every stream gets one append per round, so a round is one group commit. */
const batchSize = 125

/**
 * Rounds of one append of up to `batchSize` events per stream (fewer, evenly shared, when fewer are
 * left), all committed together, until `events` are written; hashes chained per stream. Ascending event ids and a large page cache keep
 * the unique index on event ids from turning every insert into random I/O once the file outgrows
 * SQLite's default 2 MB cache; a fixture needs no fsync.
 */
export async function generateLedger(store: SqliteEventStore, streams: readonly StreamGenerator[], events: number): Promise<void> {
  store.db.pragma('cache_size = -262144')
  store.db.pragma('synchronous = OFF')
  const run = randomBytes(6).toString('hex')
  let sequence = 0
  const nextId = (): string => {
    const counter = (sequence++).toString(16).padStart(12, '0')
    return `${counter.slice(0, 8)}-${counter.slice(8)}-4000-8000-${run}`
  }
  const heads = streams.map(() => ({ revision: -1n, hash: genesisHash }))
  let remaining = events
  while (remaining > 0) {
    const appends: Promise<unknown>[] = []
    for (let s = 0; s < streams.length && remaining > 0; s++) {
      // An even share of what is left, so a short log still reaches every stream.
      const count = Math.min(batchSize, Math.ceil(remaining / (streams.length - s)))
      remaining -= count
      const { streamId, next } = streams[s]!
      const head = heads[s]!
      const batch: EventToAppend[] = []
      for (let i = 0; i < count; i++) {
        const revision = head.revision + 1n
        const { type, data, metadata: partial } = next(revision)
        const metadata = { ...partial, prevHash: head.hash }
        const hash = hashEvent(head.hash, { streamId, revision, type, data, metadata })
        batch.push({ id: nextId(), type, data, metadata: { ...metadata, hash } })
        head.revision = revision
        head.hash = hash
      }
      appends.push(store.append(streamId, batch, { expectedRevision: 'any' }))
    }
    await Promise.all(appends)
  }
}
