// What the SQLite adapter promises beyond the shared contract: group commit, id uniqueness, empty appends, closing, the shared file.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { DuplicateEventId, StoreClosed, WrongExpectedRevision } from '../../src/store/event-store.js'
import { openSqliteDatabase } from '../../src/store/sqlite-database.js'
import {
  openSqliteEventStore,
  type CommittedBatch,
  type OpenSqliteEventStoreOptions,
  type SqliteEventStore,
} from '../../src/store/sqlite-event-store.js'
import { collect, event, streamName } from './contract.js'

function tempFile(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'target-ledger-sqlite-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'events.db')
}

function open(t: Test, options: Partial<OpenSqliteEventStoreOptions> = {}): SqliteEventStore {
  const store = openSqliteEventStore({ file: tempFile(t), ...options })
  t.teardown(() => store.close())
  return store
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  )
}

t.test('the file is opened in WAL mode with synchronous=FULL and a busy timeout', async (t) => {
  const store = open(t, { busyTimeoutMs: 1234 })
  t.equal(store.db.pragma('journal_mode', { simple: true }), 'wal')
  t.equal(store.db.pragma('synchronous', { simple: true }), 2, 'FULL')
  t.equal(store.db.pragma('busy_timeout', { simple: true }), 1234)
})

t.test('appends arriving together share one commit, each with its own revision check and outcome', async (t) => {
  const batches: CommittedBatch[] = []
  const store = open(t, { onBatchCommitted: (batch) => batches.push(batch) })
  const stream = streamName('batch')
  const other = streamName('other')
  const outcomes = await Promise.allSettled([
    store.append(stream, [event()], { expectedRevision: 'no_stream' }),
    store.append(stream, [event()], { expectedRevision: 'no_stream' }),
    store.append(stream, [event(), event()], { expectedRevision: 0n }),
    store.append(other, [event()], { expectedRevision: 'no_stream' }),
  ])
  t.same(batches, [{ appends: 4, events: 4 }], 'one transaction')
  t.same(
    outcomes.map((outcome) => outcome.status),
    ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
    'the second append saw the first one and failed alone',
  )
  t.type((outcomes[1] as PromiseRejectedResult).reason, WrongExpectedRevision)
  t.equal((await collect(store.readStream(stream))).length, 3)
})

t.test('a batch that cannot commit fails every append in it, and the next batch commits', async (t) => {
  const file = tempFile(t)
  const store = openSqliteEventStore({ file, busyTimeoutMs: 20 })
  t.teardown(() => store.close())
  const other = openSqliteDatabase(file)
  t.teardown(() => other.close())

  other.exec('BEGIN IMMEDIATE')
  const blocked = await Promise.allSettled([
    store.append(streamName('a'), [event()], { expectedRevision: 'no_stream' }),
    store.append(streamName('b'), [event()], { expectedRevision: 'no_stream' }),
  ])
  other.exec('ROLLBACK')
  t.same(
    blocked.map((outcome) => outcome.status === 'rejected' && (outcome.reason as { code?: string }).code),
    ['SQLITE_BUSY', 'SQLITE_BUSY'],
  )
  t.equal(await store.headPosition(), 0n, 'nothing was written')
  const result = await store.append(streamName('c'), [event()], { expectedRevision: 'no_stream' })
  t.equal(result.nextRevision, 0n)
})

t.test('an empty append checks the expected revision and writes nothing', async (t) => {
  const store = open(t)
  const stream = streamName('empty')
  t.same(await store.append(stream, [], { expectedRevision: 'no_stream' }), { nextRevision: -1n, position: 0n }, 'missing stream')
  t.same(await collect(store.readStream(stream)), [], 'the stream still does not exist')
  const created = await store.append(stream, [event(), event()], { expectedRevision: 'no_stream' })
  t.same(await store.append(stream, [], { expectedRevision: 1n }), { nextRevision: created.nextRevision, position: created.position }, 'existing stream: its last revision and position')
  t.type(await rejection(store.append(stream, [], { expectedRevision: 0n })), WrongExpectedRevision)
  t.equal(await store.headPosition(), created.position)
})

t.test('a replay with any or stream_exists returns the first result and writes nothing', async (t) => {
  const store = open(t)
  const stream = streamName('replay')
  const batch = [event(), event()]
  await store.append(stream, [event()], { expectedRevision: 'no_stream' })
  const first = await store.append(stream, batch, { expectedRevision: 0n })
  await store.append(stream, [event()], { expectedRevision: 2n })
  t.equal(first.written, true, 'a write says so')
  const replay = { ...first, written: false }
  t.same(await store.append(stream, batch, { expectedRevision: 'any' }), replay, 'a replay says so')
  t.same(await store.append(stream, batch, { expectedRevision: 'stream_exists' }), replay)
  t.equal((await collect(store.readStream(stream))).length, 4)
})

t.test('ids stored elsewhere in the stream fail the revision check first', async (t) => {
  const store = open(t)
  const stream = streamName('moved')
  const batch = [event(), event()]
  await store.append(stream, batch, { expectedRevision: 'no_stream' })
  await store.append(stream, [event()], { expectedRevision: 1n })
  const stale = await rejection(store.append(stream, batch, { expectedRevision: 0n }))
  t.type(stale, WrongExpectedRevision, 'a stale revision is reported as such')
  const again = await rejection(store.append(stream, batch, { expectedRevision: 2n }))
  t.type(again, DuplicateEventId, 'at the current revision the ids are duplicates')
  t.match(again, { code: 'STORE.DUPLICATE_EVENT_ID', eventId: batch[0]!.id, existing: { streamId: stream, revision: 0n } })
  t.equal((await collect(store.readStream(stream))).length, 3)
})

t.test('an id stored in another stream is a DuplicateEventId', async (t) => {
  const store = open(t)
  const taken = event()
  const first = streamName('first')
  await store.append(first, [taken], { expectedRevision: 'no_stream' })
  const second = streamName('second')
  const error = await rejection(store.append(second, [event(), taken], { expectedRevision: 'any' }))
  t.type(error, DuplicateEventId)
  t.match(error, { streamId: second, eventId: taken.id, existing: { streamId: first, revision: 0n } })
  t.same(await collect(store.readStream(second)), [], 'nothing of the append was written')
})

t.test('a partial replay, known ids followed by new ones, is a DuplicateEventId', async (t) => {
  const store = open(t)
  const stream = streamName('partial')
  const known = event()
  await store.append(stream, [known], { expectedRevision: 'no_stream' })
  t.type(await rejection(store.append(stream, [known, event()], { expectedRevision: 'any' })), DuplicateEventId)
})

t.test('the same id twice in one append is a DuplicateEventId', async (t) => {
  const store = open(t)
  const stream = streamName('twice')
  const twice = event()
  const error = await rejection(store.append(stream, [twice, twice], { expectedRevision: 'no_stream' }))
  t.type(error, DuplicateEventId)
  t.match(error, { eventId: twice.id, existing: undefined })
  t.same(await collect(store.readStream(stream)), [])
})

t.test('data that is not JSON rejects that append only', async (t) => {
  const store = open(t)
  const bad = { ...event(), data: { big: 1n } as never }
  t.type(await rejection(store.append(streamName('bad'), [bad], { expectedRevision: 'any' })), TypeError)
  t.equal(await store.headPosition(), 0n)
})

t.test('close commits the appends already queued, and the file keeps them', async (t) => {
  const file = tempFile(t)
  const store = openSqliteEventStore({ file })
  const stream = streamName('queued')
  const queued = store.append(stream, [event()], { expectedRevision: 'no_stream' })
  await store.close()
  const result = await queued
  t.equal(result.nextRevision, 0n)

  const reopened = openSqliteEventStore({ file })
  t.teardown(() => reopened.close())
  t.equal((await collect(reopened.readStream(stream))).length, 1)
  const next = await reopened.append(stream, [event()], { expectedRevision: 0n })
  t.ok(next.position > result.position, 'positions keep growing across restarts')
})

t.test('after close, reads fail and live subscriptions end', async (t) => {
  const store = open(t, { pageSize: 1 })
  await store.append(streamName('x'), [event(), event()], { expectedRevision: 'no_stream' })
  const subscription = store.subscribeAll({ fromPosition: await store.headPosition() })
  const waiting = subscription[Symbol.asyncIterator]().next()
  const reading = store.readAll({ maxCount: 10 })[Symbol.asyncIterator]()
  await reading.next()
  await store.close()
  t.same(await waiting, { done: true, value: undefined }, 'the subscription ended')
  t.type(await rejection(store.headPosition()), StoreClosed)
  t.type(await rejection(collect(store.readStream('x'))), StoreClosed)
  t.type(await rejection(reading.next()), StoreClosed, 'a read in progress fails at its next page')
})

t.test('read-model tables can live in the same file beside the events', async (t) => {
  const store = open(t)
  store.db.exec('CREATE TABLE zone_rollup (zone_id TEXT PRIMARY KEY, completion REAL NOT NULL) STRICT')
  const stream = streamName('shared')
  const result = await store.append(stream, [event()], { expectedRevision: 'no_stream' })
  store.db.transaction(() => store.db.prepare('INSERT INTO zone_rollup VALUES (?, ?)').run('district', 0.5))()
  t.same(store.db.prepare('SELECT * FROM zone_rollup').all(), [{ zone_id: 'district', completion: 0.5 }])
  t.equal(await store.headPosition(), result.position)
})

t.test('whileWriting runs inside the append’s transaction: what it writes commits with the events, or not at all', async (t) => {
  const store = open(t)
  store.db.exec('CREATE TABLE beside (stream TEXT, revision INTEGER)')
  const note = store.db.prepare('INSERT INTO beside VALUES (?, ?)')
  const notes = () => store.db.prepare('SELECT stream, revision FROM beside ORDER BY rowid').all()
  const stream = streamName('beside')
  const seen: unknown[] = []
  const batch = [event(), event()]
  const result = await store.append(stream, batch, {
    expectedRevision: 'no_stream',
    whileWriting: (written) => {
      seen.push({ inTransaction: store.db.inTransaction, ...written })
      note.run(stream, written.nextRevision)
    },
  })
  t.same(seen, [{ inTransaction: true, ...result }], 'called once, in the transaction, with the result')
  t.same(notes(), [{ stream, revision: 1 }])

  const failing = store.append(stream, [event()], {
    expectedRevision: 1n,
    whileWriting: () => {
      note.run(stream, 2)
      throw new Error('refused beside')
    },
  })
  const other = store.append(streamName('other'), [event()], { expectedRevision: 'no_stream' })
  t.match(await rejection(failing), { message: 'refused beside' }, 'its error fails the append')
  t.equal((await other).nextRevision, 0n, 'and only that append of the commit')
  t.equal((await collect(store.readStream(stream))).length, 2, 'no event of it was written')
  t.same(notes(), [{ stream, revision: 1 }], 'nor what it wrote')

  let calledOnReplay = false
  const replay = await store.append(stream, batch, { expectedRevision: 'no_stream', whileWriting: () => (calledOnReplay = true) })
  t.equal(replay.written, false)
  t.notOk(calledOnReplay, 'a replay writes nothing, so nothing beside it either')
})
