// The one-pass walker on hand-built logs: the reasons the HTTP tamper tests do not reach, and what a
// walk covers when the log grows under it.
import Database from 'better-sqlite3'
import t from 'tap'
import { findChainBreak, genesisHash, hashEvent } from '../../src/ledger/event-hash.js'
import { verifyLedger } from '../../src/ledger/ledger-verification.js'
import type { EventStore, EventToAppend, Json } from '../../src/store/event-store.js'
import { openTestLedger } from '../helpers/app.js'

let ids = 0
const heads = new Map<string, { revision: bigint; hash: string }>()

/** Appends `count` correctly chained events to `streamId`, continuing its chain. */
const append = async (store: EventStore, streamId: string, count = 1): Promise<void> => {
  let head = heads.get(streamId)
  const events: EventToAppend[] = []
  for (let i = 0; i < count; i++) {
    const revision = head === undefined ? 0n : head.revision + 1n
    const prevHash = head?.hash ?? genesisHash
    const data: Json = { n: Number(revision) }
    const metadata = { actor: { id: 'test', role: 'admin' }, prevHash }
    const hash = hashEvent(prevHash, { streamId, revision, type: 'Counted', data, metadata })
    ids += 1
    events.push({ id: `00000000-0000-4000-8000-${String(ids).padStart(12, '0')}`, type: 'Counted', data, metadata: { ...metadata, hash } })
    head = { revision, hash }
  }
  await store.append(streamId, events, { expectedRevision: 'any' })
  heads.set(streamId, head!)
}

const given = async (t: Parameters<typeof openTestLedger>[0]) => {
  heads.clear()
  const ledger = openTestLedger(t)
  await append(ledger.store, 'a', 2)
  await append(ledger.store, 'b', 2)
  await append(ledger.store, 'a', 2)
  await append(ledger.store, 'b', 1)
  return ledger
}

const sql = (file: string, statement: string, ...params: unknown[]): void => {
  const db = new Database(file)
  try {
    db.prepare(statement).run(...params)
  } finally {
    db.close()
  }
}

t.test('a sound log: every stream and event counted, no break', async (t) => {
  const { store } = await given(t)
  t.same(await verifyLedger(store), { ok: true, position: 7n, streams: 2, events: 7, brokenStreams: 0, breaks: [] })
})

t.test('an event moved to a place before its new stream’s head is recognised too', async (t) => {
  const { store, file } = await given(t)
  // a's revision 3 (position 6) becomes b's revision 3, though b's revision 2 is at position 7, after it.
  sql(file, "UPDATE events SET stream_id = 'b', revision = 3 WHERE stream_id = 'a' AND revision = 3")
  const result = await verifyLedger(store)
  t.match(result.firstBreak, { streamId: 'b', revision: 3n, reason: 'event_moved', movedFrom: { streamId: 'a', revision: 3n }, position: 6n })
})

t.test('an event pushed to a later position: a gap where it should be, reported once', async (t) => {
  const { store, file } = await given(t)
  sql(file, "UPDATE events SET position = 100 WHERE stream_id = 'a' AND revision = 0")
  const result = await verifyLedger(store)
  t.match(result.firstBreak, { streamId: 'a', revision: 0n, reason: 'revision_gap', position: 2n })
  t.equal(result.breaks.length, 1, 'once broken, a stream’s later events are counted, not checked again')
})

t.test('a revision seen twice in one stream: revision_repeated', async (t) => {
  const { store } = await given(t)
  const events = []
  for await (const event of store.readStream('a')) events.push(event)
  t.same(await findChainBreak([events[0]!, events[1]!, events[1]!]), { streamId: 'a', revision: 1n, reason: 'revision_repeated' })
})

t.test('metadata without a hash: metadata_missing', async (t) => {
  const { store, file } = await given(t)
  sql(file, "UPDATE events SET metadata = json_remove(metadata, '$.hash') WHERE stream_id = 'b' AND revision = 1")
  t.match((await verifyLedger(store)).firstBreak, { streamId: 'b', revision: 1n, reason: 'metadata_missing' })
})

t.test('a changed type is a hash_mismatch; every broken stream is listed, the first break first', async (t) => {
  const { store, file } = await given(t)
  sql(file, "UPDATE events SET type = 'Other' WHERE stream_id = 'a' AND revision = 3")
  sql(file, "UPDATE events SET data = '{\"n\":9}' WHERE stream_id = 'b' AND revision = 0")
  const result = await verifyLedger(store)
  t.match(result, {
    ok: false,
    brokenStreams: 2,
    firstBreak: { streamId: 'b', revision: 0n, reason: 'hash_mismatch' },
    breaks: [{ streamId: 'b', revision: 0n }, { streamId: 'a', revision: 3n }],
  })
  t.equal(result.events, 7, 'the walk goes on to the end')
})

t.test('the walk stops at the head it started from, or the position asked for', async (t) => {
  const { store } = await given(t)
  t.match(await verifyLedger(store, { toPosition: 3n }), { ok: true, position: 3n, events: 3 })
  // As if positions 6 and 7 were appended while the walk was under way.
  const grewDuringTheWalk = {
    headPosition: async () => 5n,
    readAll: (options?: { fromPosition?: bigint }) => store.readAll(options),
  } as unknown as EventStore
  t.match(await verifyLedger(grewDuringTheWalk), { position: 5n, events: 5 }, 'later events wait for the next walk')
})

t.test('findChainBreak on one stream: a gap is reported at the missing revision', async (t) => {
  const { store } = await given(t)
  const events = []
  for await (const event of store.readStream('a')) if (event.revision !== 1n) events.push(event)
  t.same(await findChainBreak(events), { streamId: 'a', revision: 1n, reason: 'revision_gap' })
})
