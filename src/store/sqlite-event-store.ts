// The embedded EventStore adapter: one SQLite file, one writer, concurrent appends group-committed.
import {
  DuplicateEventId,
  StoreClosed,
  WrongExpectedRevision,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type Json,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type Subscription,
  revisionMatches,
} from './event-store.js'
import { openSqliteDatabase, type SqliteDatabase, type SqliteDatabaseOptions } from './sqlite-database.js'
import { SqliteGroupCommit } from './sqlite-group-commit.js'
import { runMigrations, type Migration } from './sqlite-migrations.js'

export const EVENT_STORE_SCHEMA = 'event-store'

export const eventStoreMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'create events',
    // AUTOINCREMENT: a position is never handed out twice, even if the last rows were ever removed.
    // (stream_id, revision) is unique and indexed, which is all a revision check needs.
    sql: `CREATE TABLE events (
      position  INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id  TEXT    NOT NULL UNIQUE,
      stream_id TEXT    NOT NULL,
      revision  INTEGER NOT NULL CHECK (revision >= 0),
      type      TEXT    NOT NULL,
      data      TEXT    NOT NULL,
      metadata  TEXT    NOT NULL,
      UNIQUE (stream_id, revision)
    ) STRICT`,
  },
]

export interface SqliteEventStoreOptions {
  /** Rows per query when reading; bounds the memory of readStream, readAll and subscriptions. Default 500. */
  pageSize?: number
  /** Called after each group commit: for metrics, and to observe batching. */
  onBatchCommitted?: (batch: CommittedBatch) => void
  /**
   * A live subscription wakes at once on this connection's commits; commits of another process on
   * the same file (`target-ledger demo` or `seed` beside a running server) are seen by polling this
   * often. Default 1000 ms.
   */
  pollMs?: number
}

export interface CommittedBatch {
  /** Appends settled by this transaction, failed ones included. */
  appends: number
  /** Events written. */
  events: number
}

export interface OpenSqliteEventStoreOptions extends SqliteEventStoreOptions, SqliteDatabaseOptions {
  file: string
}

/** Opens (creating and migrating if needed) the event store in `file`. */
export function openSqliteEventStore(options: OpenSqliteEventStoreOptions): SqliteEventStore {
  const db = openSqliteDatabase(options.file, options)
  try {
    return new SqliteEventStore(db, options)
  } catch (error) {
    db.close()
    throw error
  }
}

interface EventRow {
  position: bigint
  event_id: string
  stream_id: string
  revision: bigint
  type: string
  data: string
  metadata: string
}

type ExistingIdRow = Pick<EventRow, 'event_id' | 'stream_id' | 'revision' | 'position'>
type HeadRow = Pick<EventRow, 'revision' | 'position'>

interface SerializedEvent {
  id: string
  type: string
  data: string
  metadata: string
}

interface PendingAppend {
  streamId: string
  expected: ExpectedRevision
  events: readonly SerializedEvent[]
  whileWriting: AppendOptions['whileWriting']
  resolve: (result: AppendResult) => void
  reject: (error: unknown) => void
}

interface Written {
  result: AppendResult
  eventCount: number
}

type Outcome = { ok: true; written: Written } | { ok: false; error: unknown }

/** Appends of one commit, settled once it is durable. */
interface CommittedAppends {
  batch: PendingAppend[]
  outcomes: Outcome[]
  /** The lowest position the commit wrote; undefined when it wrote no event. */
  from: bigint | undefined
}

/** Above every position: reads are unbounded while nothing awaits its sync. */
const NO_BOUND = 2n ** 63n - 1n

/** Larger than any revision: the upper bound of a backwards read from the end. */
const MAX_REVISION = 2n ** 63n - 1n

/**
 * Appends are queued and committed together on the next turn of the event loop: one transaction,
 * one fsync, however many appends arrived meanwhile, shared with the other writers of the connection
 * (Idempotency-Key records) and synced off the event loop (see `SqliteGroupCommit`). Inside it each
 * append runs in its own savepoint, in order of arrival, so it sees the appends before it and fails
 * alone. An append settles once its commit is durable.
 *
 * Reads run on the same connection, one page per query: better-sqlite3 is synchronous, so a page
 * never interleaves with a commit, and no statement stays open across an `await`. They stop below
 * the first commit still waiting for its sync: nothing is read before its append is acknowledged.
 */
export class SqliteEventStore implements EventStore {
  readonly #pageSize: number
  readonly #pollMs: number
  readonly #onBatchCommitted: ((batch: CommittedBatch) => void) | undefined
  #queue: PendingAppend[] = []
  #partQueued = false
  #closed = false
  #commitSignal: { promise: Promise<void>; resolve: () => void } | undefined
  /** Committed appends waiting for their sync, oldest first; reads stop below the first one's positions. */
  #unsynced: CommittedAppends[] = []

  readonly #sql: Statements
  readonly #group: SqliteGroupCommit
  readonly #commitBatch: (batch: PendingAppend[]) => Outcome[]

  /**
   * Takes ownership of `db` (migrating it): `close()` closes it. Read-model tables may live in the
   * same file through `db`, as long as their owner stops using it before the store is closed.
   */
  constructor(
    readonly db: SqliteDatabase,
    options: SqliteEventStoreOptions = {},
  ) {
    this.#pageSize = options.pageSize ?? 500
    this.#pollMs = options.pollMs ?? 1000
    this.#onBatchCommitted = options.onBatchCommitted
    runMigrations(db, EVENT_STORE_SCHEMA, eventStoreMigrations)

    this.#sql = prepareStatements(db)
    this.#group = SqliteGroupCommit.of(db)

    const appendInSavepoint = db.transaction((pending: PendingAppend) => this.#write(pending))
    // Runs inside the group's transaction.
    this.#commitBatch = (batch: PendingAppend[]): Outcome[] =>
      batch.map((pending): Outcome => {
        try {
          return { ok: true, written: appendInSavepoint(pending) }
        } catch (error) {
          // Some errors (disk full, I/O) make SQLite roll back the whole transaction: the rest of the
          // batch would then run in autocommit, outside this commit. Fail the batch instead.
          if (!db.inTransaction) throw error
          return { ok: false, error }
        }
      })
  }

  /**
   * Expected revisions behave as in EventStoreDB. An empty `events` list checks the expected
   * revision and writes nothing; it returns the stream's last revision and position, or
   * `{ nextRevision: -1n, position: 0n }` when the stream does not exist.
   *
   * Event ids are unique across the log. Appending ids that are already the stream's events at
   * exactly that place (same expected revision, or `any`/`stream_exists`/`no_stream` as fits)
   * is a replay: it returns the original result and writes nothing. Any other reuse of an id is
   * a `DuplicateEventId`, raised only once the revision check has passed.
   */
  append(streamId: string, events: readonly EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    if (this.#closed) return Promise.reject(new StoreClosed())
    let serialized: SerializedEvent[]
    try {
      serialized = serialize(streamId, events)
    } catch (error) {
      return Promise.reject(error)
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.#queue.push({ streamId, expected: options.expectedRevision, events: serialized, whileWriting: options.whileWriting, resolve, reject })
      if (!this.#partQueued) {
        this.#partQueued = true
        this.#group.add(this.#commitPart())
      }
    })
  }

  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncGenerator<StoredEvent> {
    const forwards = (options.direction ?? 'forwards') === 'forwards'
    const from = options.fromRevision ?? (forwards ? 'start' : 'end')
    // EventStoreDB: forwards from the end reads nothing; backwards from the start reads event 0.
    if (forwards && from === 'end') return
    let next = from === 'start' ? 0n : from === 'end' ? MAX_REVISION : from
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY
    while (remaining > 0 && next >= 0n) {
      this.#assertOpen()
      const limit = Math.min(this.#pageSize, remaining)
      const rows = (forwards ? this.#sql.selectStreamForwards : this.#sql.selectStreamBackwards).all(streamId, next, this.#bound(), limit)
      for (const row of rows) {
        next = forwards ? row.revision + 1n : row.revision - 1n
        yield toStoredEvent(row)
      }
      if (rows.length < limit) return
      remaining -= rows.length
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<StoredEvent> {
    let after = options.fromPosition ?? 0n
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY
    while (remaining > 0) {
      this.#assertOpen()
      const limit = Math.min(this.#pageSize, remaining)
      const page = this.#readAfter(after, limit)
      for (const event of page) {
        after = event.position
        yield event
      }
      if (page.length < limit) return
      remaining -= page.length
    }
  }

  /**
   * Live events are those committed through this store object: another process appending to the
   * same file is seen only when this one next commits, so run one writing process per file.
   */
  subscribeAll(options: ReadAllOptions = {}): Subscription {
    return subscribe(
      {
        readAfter: (position, limit) => (this.#closed ? undefined : this.#readAfter(position, limit)),
        nextCommit: () => this.#nextCommit(),
        pollMs: this.#pollMs,
      },
      options.fromPosition ?? 0n,
      options.maxCount ?? Number.POSITIVE_INFINITY,
      this.#pageSize,
    )
  }

  async headPosition(): Promise<bigint> {
    this.#assertOpen()
    return this.#sql.selectHeadPosition.get(this.#bound()) ?? 0n
  }

  /** Commits and syncs the appends already queued, ends live subscriptions, closes the database. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#group.close()
    this.#signalCommit()
    this.db.close()
  }

  /** This store's share of the next group commit: every append queued by the time it runs. */
  #commitPart() {
    let taken: PendingAppend[] | undefined
    let committed: CommittedAppends | undefined
    return {
      write: () => {
        this.#partQueued = false
        const batch = (taken = this.#queue)
        this.#queue = []
        const outcomes = this.#commitBatch(batch)
        const first = outcomes.find((outcome) => outcome.ok && outcome.written.eventCount > 0)
        const from = first?.ok === true ? first.written.result.position - BigInt(first.written.eventCount - 1) : undefined
        committed = { batch, outcomes, from }
        if (from !== undefined) this.#unsynced.push(committed)
      },
      durable: () => {
        const { batch, outcomes } = committed!
        this.#synced(committed!)
        const events = outcomes.reduce((sum, outcome) => sum + (outcome.ok ? outcome.written.eventCount : 0), 0)
        if (events > 0) this.#signalCommit()
        outcomes.forEach((outcome, index) => {
          const pending = batch[index]!
          if (outcome.ok) pending.resolve(outcome.written.result)
          else pending.reject(outcome.error)
        })
        this.#onBatchCommitted?.({ appends: batch.length, events })
      },
      // Nothing of the commit was written (busy, I/O error, disk full), or its sync failed: every append
      // fails. A commit whose sync failed stays unreadable, since it may not be on disk.
      failed: (error: unknown, written: boolean) => {
        if (committed !== undefined && !written) this.#synced(committed)
        if (taken === undefined) {
          this.#partQueued = false
          taken = this.#queue
          this.#queue = []
        }
        for (const pending of taken) pending.reject(error)
      },
    }
  }

  #synced(committed: CommittedAppends): void {
    const at = this.#unsynced.indexOf(committed)
    if (at !== -1) this.#unsynced.splice(at, 1)
  }

  /** Reads stop below the positions of the first commit not yet durable. */
  #bound(): bigint {
    return this.#unsynced[0]?.from ?? NO_BOUND
  }

  #write({ streamId, expected, events, whileWriting }: PendingAppend): Written {
    const existing = this.#existingIds(events)
    const replayed = replayResult(streamId, expected, events, existing)
    if (replayed !== undefined) return { result: { ...replayed, written: false }, eventCount: 0 }

    const head = this.#sql.selectHead.get(streamId)
    const actual = head?.revision ?? 'no_stream'
    if (!revisionMatches(expected, actual)) throw new WrongExpectedRevision(streamId, expected, actual)
    const clash = events.find((event) => existing.has(event.id))
    if (clash !== undefined) {
      const stored = existing.get(clash.id)!
      throw new DuplicateEventId(streamId, clash.id, { streamId: stored.stream_id, revision: stored.revision })
    }

    let revision = head?.revision ?? -1n
    let position = head?.position ?? 0n
    for (const event of events) {
      revision += 1n
      position = this.#sql.insert.run(event.id, streamId, revision, event.type, event.data, event.metadata)
        .lastInsertRowid as bigint
    }
    if (events.length === 0) return { result: { nextRevision: revision, position }, eventCount: 0 }
    const result = { nextRevision: revision, position, written: true }
    // In the append's savepoint: what it writes stands or falls with the events.
    whileWriting?.(result)
    return { result, eventCount: events.length }
  }

  #existingIds(events: readonly SerializedEvent[]): Map<string, ExistingIdRow> {
    if (events.length === 0) return new Map()
    // Most appends carry one event: a plain lookup, without building and parsing a JSON list.
    const rows =
      events.length === 1
        ? this.#sql.selectById.all(events[0]!.id)
        : this.#sql.selectByIds.all(JSON.stringify(events.map((event) => event.id)))
    return new Map(rows.map((row) => [row.event_id, row]))
  }

  #readAfter(position: bigint, limit: number): StoredEvent[] {
    return this.#sql.selectAfter.all(position, this.#bound(), limit).map(toStoredEvent)
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreClosed()
  }

  /** One promise shared by every waiter and replaced at each commit, so idle waiters never pile up. */
  #nextCommit(): Promise<void> {
    if (this.#commitSignal === undefined) {
      let resolve!: () => void
      const promise = new Promise<void>((done) => {
        resolve = done
      })
      this.#commitSignal = { promise, resolve }
    }
    return this.#commitSignal.promise
  }

  #signalCommit(): void {
    this.#commitSignal?.resolve()
    this.#commitSignal = undefined
  }
}

type Statements = ReturnType<typeof prepareStatements>

// safeIntegers: revisions and positions come back as bigint, exact beyond 2^53.
function prepareStatements(db: SqliteDatabase) {
  return {
    selectHead: db
      .prepare<[string], HeadRow>(
        'SELECT revision, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
      )
      .safeIntegers(true),
    selectById: db
      .prepare<[string], ExistingIdRow>('SELECT event_id, stream_id, revision, position FROM events WHERE event_id = ?')
      .safeIntegers(true),
    selectByIds: db
      .prepare<[string], ExistingIdRow>(
        'SELECT event_id, stream_id, revision, position FROM events WHERE event_id IN (SELECT value FROM json_each(?))',
      )
      .safeIntegers(true),
    insert: db
      .prepare<[string, string, bigint, string, string, string]>(
        'INSERT INTO events (event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .safeIntegers(true),
    // The `position < ?` bound hides commits still waiting for their sync (see `#bound`).
    selectStreamForwards: db
      .prepare<[string, bigint, bigint, number], EventRow>(
        'SELECT * FROM events WHERE stream_id = ? AND revision >= ? AND position < ? ORDER BY revision ASC LIMIT ?',
      )
      .safeIntegers(true),
    selectStreamBackwards: db
      .prepare<[string, bigint, bigint, number], EventRow>(
        'SELECT * FROM events WHERE stream_id = ? AND revision <= ? AND position < ? ORDER BY revision DESC LIMIT ?',
      )
      .safeIntegers(true),
    selectAfter: db
      .prepare<[bigint, bigint, number], EventRow>('SELECT * FROM events WHERE position > ? AND position < ? ORDER BY position ASC LIMIT ?')
      .safeIntegers(true),
    selectHeadPosition: db
      .prepare<[bigint], bigint>('SELECT coalesce(max(position), 0) FROM events WHERE position < ?')
      .pluck()
      .safeIntegers(true),
  }
}

function serialize(streamId: string, events: readonly EventToAppend[]): SerializedEvent[] {
  const seen = new Set<string>()
  return events.map((event) => {
    if (seen.has(event.id)) throw new DuplicateEventId(streamId, event.id, undefined)
    seen.add(event.id)
    return { id: event.id, type: event.type, data: JSON.stringify(event.data), metadata: JSON.stringify(event.metadata) }
  })
}


/**
 * The original result when every id is already stored, in order, as consecutive events of this
 * stream, and the expected revision is the one they were appended at (or does not pin one).
 */
function replayResult(
  streamId: string,
  expected: ExpectedRevision,
  events: readonly SerializedEvent[],
  existing: ReadonlyMap<string, ExistingIdRow>,
): AppendResult | undefined {
  const first = events[0] === undefined ? undefined : existing.get(events[0].id)
  if (first === undefined || existing.size !== events.length) return undefined
  const consecutive = events.every((event, index) => {
    const row = existing.get(event.id)
    return row !== undefined && row.stream_id === streamId && row.revision === first.revision + BigInt(index)
  })
  if (!consecutive) return undefined
  const fits =
    expected === 'any' ||
    expected === 'stream_exists' ||
    (expected === 'no_stream' ? first.revision === 0n : expected === first.revision - 1n)
  if (!fits) return undefined
  const last = existing.get(events[events.length - 1]!.id)!
  return { nextRevision: last.revision, position: last.position }
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    revision: row.revision,
    position: row.position,
    type: row.type,
    data: JSON.parse(row.data) as Json,
    metadata: JSON.parse(row.metadata) as Json,
  }
}

interface LiveLog {
  /** Up to `limit` events after `position`; undefined once the store is closed. */
  readAfter(position: bigint, limit: number): StoredEvent[] | undefined
  /** Resolves after the next commit that wrote events, or when the store closes. */
  nextCommit(): Promise<void>
  /** Read again after this long without a commit signal: other processes' commits send none. */
  pollMs: number
}

/**
 * Catch-up and live are one loop: read the next page after the checkpoint; when it is empty, wait
 * for a commit and read again. The empty read and the start of the wait happen in the same
 * synchronous step, so no commit can fall between them: nothing is missed, nothing repeated, and
 * a slow consumer holds one page, never a growing buffer.
 */
function subscribe(log: LiveLog, fromPosition: bigint, maxCount: number, pageSize: number): Subscription {
  let closed = false
  let wake: (() => void) | undefined

  async function* run(): AsyncGenerator<StoredEvent> {
    let position = fromPosition
    let remaining = maxCount
    while (!closed && remaining > 0) {
      const page = log.readAfter(position, Math.min(pageSize, remaining))
      if (page === undefined) return
      if (page.length === 0) {
        let poll: NodeJS.Timeout | undefined
        await new Promise<void>((resolve) => {
          wake = resolve
          void log.nextCommit().then(resolve)
          poll = setTimeout(resolve, log.pollMs)
        })
        clearTimeout(poll)
        wake = undefined
        continue
      }
      for (const event of page) {
        if (closed) return
        position = event.position
        remaining -= 1
        yield event
      }
    }
  }

  const events = run()
  return {
    [Symbol.asyncIterator]: () => events,
    close: async () => {
      closed = true
      wake?.()
    },
  }
}
