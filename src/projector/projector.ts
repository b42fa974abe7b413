// The checkpointed catch-up runner: feeds the store's global feed to the projections in batches, each
// batch's rows and checkpoints committed in one SQLite transaction, then follows the live feed.
import { performance } from 'node:perf_hooks'
import type { ProjectionBatch, SqlProjection } from '../../projections/projection.js'
import { auditTrailSql } from '../../projections/audit-trail-sql.js'
import { sqlProjections } from '../../projections/index.js'
import type { EventStore, StoredEvent, Subscription } from '../store/event-store.js'
import type { SqliteDatabase } from '../store/sqlite-database.js'
import { EVENT_STORE_SCHEMA } from '../store/sqlite-event-store.js'
import { runMigrations, type Migration } from '../store/sqlite-migrations.js'
import { auditTrailOverLog } from './audit-trail-view.js'
import { toProjectedEvent } from './projected-events.js'

export const PROJECTOR_SCHEMA = 'projector'

export const projectorMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'create projection checkpoints',
    sql: `CREATE TABLE projection_checkpoints (
      name     TEXT    PRIMARY KEY,
      version  INTEGER NOT NULL,
      -- The position of the last event applied (exclusive checkpoint for the next read); 0 before any.
      position INTEGER NOT NULL
    ) STRICT`,
  },
]

/** Object first, as pino takes it; fastify's and pino's loggers fit. */
export interface ProjectorLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface ProjectorOptions {
  store: EventStore
  /** Where the read models live: the event store's own database in embedded mode, a file of their own with esdb. */
  db: SqliteDatabase
  /**
   * Default: every projection of projections/. Where `db` holds the embedded store's log,
   * `auditTrailSql` is served as a view over it instead (audit-trail-view.ts).
   */
  projections?: readonly SqlProjection[]
  /** Events per transaction. Default 1000. */
  batchSize?: number
  log?: ProjectorLog
  /** Pause before retrying a batch another connection kept locked beyond the busy timeout. Default 100. */
  busyRetryMs?: number
}

export interface Progress {
  /** The position every projection has reached. */
  position: bigint
  /** The store's head when the run started. */
  head: bigint
  /** Events read so far in this run. */
  events: number
  elapsedMs: number
}

export interface RebuildOptions {
  /** Names of the projections to rebuild; default all. Others only catch up. */
  only?: readonly string[]
  /** Called after each committed batch. */
  onProgress?: (progress: Progress) => void
}

export interface RebuildResult {
  rebuilt: string[]
  events: number
  position: bigint
  elapsedMs: number
}

export type ProjectorState = 'idle' | 'catching-up' | 'live' | 'stopped' | 'failed'

export interface ProjectorStatus {
  state: ProjectorState
  position: bigint
  projections: { name: string; version: number; position: bigint }[]
  /** Why the projector stopped applying events, when it failed. */
  error?: string
}

export interface Projector {
  /** Catches up with the store from the checkpoints, then follows it live. Resolves once caught up. */
  start(): Promise<void>
  /** The position every projection has reached: reads reflect every event up to it. */
  position(): bigint
  /**
   * Resolves true once every projection has applied `position` (read-your-writes after an append),
   * false when `timeoutMs` (default 5000) passes first or the projector stops or fails.
   */
  waitFor(position: bigint, options?: { timeoutMs?: number }): Promise<boolean>
  /** Drops and replays the projections named (all by default) up to the store's head; for `target-ledger rebuild`. Not while started. */
  rebuild(options?: RebuildOptions): Promise<RebuildResult>
  status(): ProjectorStatus
  /** Ends the live feed and waits for the batch in flight; pending waits resolve false. Call before closing the store. */
  stop(): Promise<void>
}

/** Another process moved a checkpoint under us (e.g. `target-ledger rebuild` beside a running server). */
class CheckpointMoved extends Error {
  constructor(readonly projection: string) {
    super(`checkpoint of ${projection} was moved by another connection`)
    this.name = 'CheckpointMoved'
  }
}

interface Active {
  projection: SqlProjection
  handles: ReadonlySet<string>
  writer: { batch(): ProjectionBatch }
  position: bigint
}

interface Waiter {
  position: bigint
  settle(reached: boolean): void
}

const TURN = Symbol('turn')
/** Resolves after pending I/O callbacks: whatever a subscription can yield without waiting is yielded by then. */
const nextTurn = () => new Promise<typeof TURN>((resolve) => setImmediate(() => resolve(TURN)))

const isBusy = (error: unknown): boolean =>
  error instanceof Error && 'code' in error && (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_LOCKED')

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Where the embedded store's log is in `db` itself, the audit trail is a view over it rather than a
 * copy (see audit-trail-view.ts); everywhere else (a read-model file beside EventStoreDB, another
 * file) it is the table.
 */
const withLogInDb = (db: SqliteDatabase, projections: readonly SqlProjection[]): readonly SqlProjection[] => {
  const logInDb = db.prepare('SELECT 1 FROM schema_migrations WHERE scope = ?').get(EVENT_STORE_SCHEMA) !== undefined
  return logInDb ? projections.map((projection) => (projection === auditTrailSql ? auditTrailOverLog : projection)) : projections
}

/** Drops the tables named (or views: the audit trail beside the embedded log is one) where they exist. */
export const dropTables = (db: SqliteDatabase, names: readonly string[]): void => {
  const objectType = db.prepare<[string], string>("SELECT type FROM sqlite_master WHERE name = ? AND type IN ('table', 'view')").pluck()
  for (const name of names) {
    const type = objectType.get(name)
    if (type !== undefined) db.exec(`DROP ${type === 'view' ? 'VIEW' : 'TABLE'} ${name}`)
  }
}

/**
 * Opens the read models in `db` at once: creates missing tables, and drops and recreates those of a
 * projection whose version changed (its checkpoint back to 0). `start()` then replays and follows.
 */
export const createProjector = (options: ProjectorOptions): Projector => {
  const { store, db, batchSize = 1000, log, busyRetryMs = 100 } = options
  runMigrations(db, PROJECTOR_SCHEMA, projectorMigrations)
  const projections = withLogInDb(db, options.projections ?? sqlProjections)
  const names = new Set(projections.map((projection) => projection.name))
  if (names.size !== projections.length) throw new TypeError('projection names must be unique')

  const sql = {
    checkpoint: db
      .prepare<[string], { version: bigint; position: bigint }>('SELECT version, position FROM projection_checkpoints WHERE name = ?')
      .safeIntegers(true),
    reset: db.prepare<[string, number]>(
      `INSERT INTO projection_checkpoints (name, version, position) VALUES (?, ?, 0)
       ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = 0`,
    ),
    advance: db.prepare<[bigint, string]>('UPDATE projection_checkpoints SET position = ? WHERE name = ?'),
  }

  let active: Active[] = []
  let state: ProjectorState = 'idle'
  let failure: unknown
  let stopping = false
  let running: Promise<void> | undefined
  let subscription: Subscription | undefined
  const waiters = new Set<Waiter>()

  const position = (): bigint =>
    active.reduce<bigint | undefined>((min, one) => (min === undefined || one.position < min ? one.position : min), undefined) ?? 0n

  /**
   * Reads the checkpoints; a projection without one, with another version, or named in `reset` gets
   * its tables dropped and created again with its checkpoint at 0, in one transaction. Statements
   * are prepared afresh, as dropped tables invalidate them.
   */
  const open = (reset: ReadonlySet<string>): string[] => {
    const rebuilt: string[] = []
    db.transaction(() => {
      for (const projection of projections) {
        const checkpoint = sql.checkpoint.get(projection.name)
        if (checkpoint !== undefined && checkpoint.version === BigInt(projection.version) && !reset.has(projection.name)) continue
        dropTables(db, projection.tables)
        for (const statement of projection.schema) db.exec(statement)
        sql.reset.run(projection.name, projection.version)
        rebuilt.push(projection.name)
        const previousVersion = checkpoint === undefined ? null : Number(checkpoint.version)
        const why = reset.has(projection.name) ? 'rebuild asked for' : previousVersion === null ? 'new projection' : 'version changed'
        log?.info({ projection: projection.name, version: projection.version, previousVersion }, `${why}: projection rebuilt from the start of the log`)
      }
    }).immediate()
    active = projections.map((projection) => ({
      projection,
      handles: new Set(projection.handles),
      writer: projection.prepare(db),
      position: sql.checkpoint.get(projection.name)!.position,
    }))
    return rebuilt
  }

  const notify = () => {
    const reached = position()
    for (const waiter of waiters) if (waiter.position <= reached) waiter.settle(true)
  }

  const settleAll = () => {
    for (const waiter of waiters) waiter.settle(false)
  }

  /**
   * The events read since the last commit, applied to every projection's batch (in memory: the
   * batches write in `flush`) a few at a time as they arrive, so no event outlives its turn for
   * long. The few are applied inside one read transaction: a row lookup outside any costs ten
   * times more (each would take and drop its own snapshot of the WAL).
   */
  interface Pending {
    batches: { one: Active; batch: ProjectionBatch }[]
    /** Read, not yet applied. */
    unapplied: StoredEvent[]
    /** The position of the last event added. */
    last: bigint
    events: number
  }

  /** Events applied per read transaction. */
  const applyEvery = 100

  const begin = (): Pending => ({
    batches: active.map((one) => ({ one, batch: one.writer.batch() })),
    unapplied: [],
    last: 0n,
    events: 0,
  })

  /** Synchronous, so nothing else can use the connection in between, not even the event store's appends. */
  const applyUnapplied = (pending: Pending): void => {
    for (const stored of pending.unapplied) {
      // Decoded once for every projection; a malformed event stops the projector here, before its batch is written.
      const event = toProjectedEvent(stored)
      if (event === null) continue
      for (const { one, batch } of pending.batches) {
        if (event.position > one.position && one.handles.has(event.event.type)) batch.apply(event)
      }
    }
    pending.unapplied = []
  }
  const applyInReadTransaction = db.transaction(applyUnapplied)

  const add = (pending: Pending, stored: StoredEvent): void => {
    pending.unapplied.push(stored)
    pending.last = stored.position
    pending.events += 1
    if (pending.unapplied.length >= applyEvery) applyInReadTransaction.deferred(pending)
  }

  /**
   * One transaction: every projection behind `last` writes its batch and moves its checkpoint.
   * Returns the batches written, to be told once the transaction has committed.
   */
  const commit = db.transaction((pending: Pending): ProjectionBatch[] => {
    const { last } = pending
    applyUnapplied(pending)
    const written: ProjectionBatch[] = []
    for (const { one, batch } of pending.batches) {
      if (one.position >= last) continue
      const checkpoint = sql.checkpoint.get(one.projection.name)
      if (checkpoint === undefined || checkpoint.version !== BigInt(one.projection.version) || checkpoint.position !== one.position) {
        throw new CheckpointMoved(one.projection.name)
      }
      batch.flush()
      sql.advance.run(last, one.projection.name)
      written.push(batch)
    }
    return written
  })

  /**
   * Read models can always be replayed from the log, so their commits skip the WAL fsync that the
   * event store's FULL setting asks for on this connection (in embedded mode the same one). In WAL
   * mode that keeps every commit atomic: a crash loses at most the last batches, rows and checkpoint
   * together, and the next event-store commit's fsync makes them durable anyway.
   */
  const synchronous = db.pragma('synchronous', { simple: true }) as number
  const commitRelaxed = (pending: Pending) => {
    db.pragma('synchronous = NORMAL')
    let written: ProjectionBatch[]
    try {
      written = commit.immediate(pending)
    } finally {
      db.pragma(`synchronous = ${synchronous}`)
    }
    for (const batch of written) batch.committed?.()
  }

  /**
   * Commits what was added since `begin()`; false when the checkpoints moved and the caller must read
   * again from `position()`. A busy database is waited for: flushing again writes the same rows.
   */
  const apply = async (pending: Pending): Promise<boolean> => {
    const { last } = pending
    for (;;) {
      try {
        commitRelaxed(pending)
        break
      } catch (error) {
        if (error instanceof CheckpointMoved) {
          log?.warn({ projection: error.projection }, 'checkpoint moved by another connection; reading again from the checkpoints')
          open(new Set())
          return false
        }
        if (!isBusy(error) || stopping) throw error
        log?.warn({ err: error }, 'read-model database busy; retrying the batch')
        await sleep(busyRetryMs)
      }
    }
    for (const one of active) if (one.position < last) one.position = last
    notify()
    return true
  }

  /** Reads the log from the lowest checkpoint to its end, batch by batch. */
  const catchUp = async (onBatch?: (events: number) => void): Promise<void> => {
    for (let restart = true; restart && !stopping; ) {
      restart = false
      let pending = begin()
      for await (const stored of store.readAll({ fromPosition: position() })) {
        if (stopping) return
        add(pending, stored)
        if (pending.events < batchSize) continue
        if (!(await apply(pending))) {
          restart = true
          break
        }
        onBatch?.(pending.events)
        pending = begin()
        // The SQLite store reads without real I/O: give timers and requests a turn between batches.
        await nextTurn()
      }
      if (restart || pending.events === 0 || stopping) continue
      if (await apply(pending)) onBatch?.(pending.events)
      else restart = true
    }
  }

  /**
   * Follows the subscription; events already available when one arrives join its batch (up to
   * batchSize), so a burst of appends costs one transaction, and a lone write is applied at once.
   */
  const follow = async (): Promise<void> => {
    for (let restart = true; restart && !stopping; ) {
      restart = false
      const live = store.subscribeAll({ fromPosition: position() })
      subscription = live
      const events = live[Symbol.asyncIterator]()
      try {
        let next = events.next()
        for (;;) {
          const first = await next
          if (first.done === true || stopping) return
          const pending = begin()
          add(pending, first.value)
          next = events.next()
          while (pending.events < batchSize) {
            const ready = await Promise.race([next, nextTurn()])
            if (ready === TURN || ready.done === true) break
            add(pending, ready.value)
            next = events.next()
          }
          if (!(await apply(pending))) {
            restart = true
            break
          }
        }
      } finally {
        subscription = undefined
        await live.close()
      }
    }
  }

  const fail = (error: unknown) => {
    state = 'failed'
    failure = error
    log?.error({ err: error, position: position() }, 'projector stopped: events are no longer applied to the read models')
    settleAll()
  }

  // Tables exist from here on, so read-model queries can be prepared before the first catch-up.
  open(new Set())

  return {
    async start() {
      if (state !== 'idle' && state !== 'stopped') throw new Error(`projector already ${state}`)
      stopping = false
      state = 'catching-up'
      open(new Set())
      const caughtUp = catchUp()
      running = caughtUp
      try {
        await caughtUp
      } catch (error) {
        fail(error)
        throw error
      }
      if (stopping) return
      state = 'live'
      log?.info({ position: position() }, 'read models caught up; following the live feed')
      running = follow().then(
        () => {
          if (!stopping) fail(new Error('the live subscription ended'))
        },
        fail,
      )
    },

    position,

    waitFor(target, { timeoutMs = 5000 } = {}) {
      if (position() >= target) return Promise.resolve(true)
      if (state === 'failed' || state === 'stopped') return Promise.resolve(false)
      return new Promise<boolean>((resolve) => {
        const waiter: Waiter = {
          position: target,
          settle: (reached) => {
            clearTimeout(timer)
            waiters.delete(waiter)
            resolve(reached)
          },
        }
        const timer = setTimeout(() => waiter.settle(false), timeoutMs)
        waiters.add(waiter)
      })
    },

    async rebuild({ only, onProgress } = {}) {
      if (state === 'catching-up' || state === 'live') throw new Error('stop the projector before rebuilding')
      const unknown = (only ?? []).filter((name) => !names.has(name))
      if (unknown.length > 0) throw new TypeError(`unknown projection(s): ${unknown.join(', ')}; known: ${[...names].join(', ')}`)
      stopping = false
      const rebuilt = open(new Set(only ?? names))
      const head = await store.headPosition()
      const started = performance.now()
      let events = 0
      try {
        await catchUp((count) => {
          events += count
          onProgress?.({ position: position(), head, events, elapsedMs: performance.now() - started })
        })
      } catch (error) {
        fail(error)
        throw error
      }
      return { rebuilt, events, position: position(), elapsedMs: performance.now() - started }
    },

    status() {
      return {
        state,
        position: position(),
        projections: active.map((one) => ({ name: one.projection.name, version: one.projection.version, position: one.position })),
        ...(failure === undefined ? {} : { error: failure instanceof Error ? failure.message : String(failure) }),
      }
    },

    async stop() {
      stopping = true
      await subscription?.close()
      await running?.catch(() => {})
      if (state !== 'failed') state = 'stopped'
      settleAll()
    },
  }
}
