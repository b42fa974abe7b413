// Group commit for one SQLite connection: whatever its writers queued in a turn of the event loop is
// committed in one transaction, and made durable by one fdatasync of the WAL on libuv's thread pool.
import { closeSync, fdatasync, fstatSync, openSync } from 'node:fs'
import type { SqliteDatabase } from './sqlite-database.js'

/** What one writer (the event store, the Idempotency-Key records) contributes to a commit. */
export interface CommitPart {
  /** Runs inside the shared transaction. Throwing fails the whole commit, every part with it. */
  write(): void
  /** The commit is on disk. */
  durable(): void
  /**
   * Nothing of the commit can be relied on. `written` false: the transaction failed and wrote nothing;
   * true: it was committed but its sync failed, so it may or may not be on disk.
   */
  failed(error: unknown, written: boolean): void
}

/** Raised to every writer once a sync of the WAL has failed: the disk can no longer be trusted with acknowledgements. */
export class WalSyncFailed extends Error {
  readonly code = 'STORE.WAL_SYNC_FAILED'
  constructor(cause: unknown) {
    super('syncing the write-ahead log failed; restart the process once the disk is healthy', { cause })
    this.name = 'WalSyncFailed'
  }
}

export interface GroupCommitOptions {
  /** Flushes the WAL file to disk (default `fs.fdatasync`); replaceable to hold or fail syncs in tests. */
  fdatasync?: (fd: number, done: (error: NodeJS.ErrnoException | null) => void) => void
}

export interface GroupCommitStats {
  /** Transactions committed. */
  commits: number
  /** fdatasync calls; each covers every commit made before it started. */
  syncs: number
}

/**
 * With `synchronous=FULL`, SQLite fsyncs the WAL inside COMMIT, and better-sqlite3 runs COMMIT on the
 * event loop: every group commit would stop all request handling for the length of an fsync (~4 ms
 * on the VMs measured), twice per request when the Idempotency-Key record had its own commit.
 *
 * Here each commit runs with `synchronous=NORMAL` (the WAL frames are written, not synced) and the
 * parts learn the outcome only after an fdatasync of the WAL file has completed, off the event loop.
 * An acknowledged write is then as durable as with FULL: the sync covers every frame written before
 * it started. SQLite still syncs where NORMAL asks it to (the WAL header on restart, the WAL before
 * and the database after each checkpoint), and WAL recovery keeps a prefix of the commits, so a
 * power loss drops the unacknowledged commits and nothing before them.
 *
 * At most one sync runs at a time; commits made while it runs wait for the next one, which covers
 * them all. The connection's own setting stays as opened (FULL) for every other statement. A
 * connection that is not a WAL file with `synchronous` FULL or EXTRA commits as configured, and
 * its commits count as durable as soon as SQLite returns.
 */
export class SqliteGroupCommit {
  static readonly #byDatabase = new WeakMap<SqliteDatabase, SqliteGroupCommit>()

  /** The one group commit of `db`: every writer on a connection must share it. `options` apply when it is made, by the first caller. */
  static of(db: SqliteDatabase, options: GroupCommitOptions = {}): SqliteGroupCommit {
    let group = SqliteGroupCommit.#byDatabase.get(db)
    if (group === undefined) {
      group = new SqliteGroupCommit(db, options)
      SqliteGroupCommit.#byDatabase.set(db, group)
    }
    return group
  }

  readonly #db: SqliteDatabase
  readonly #walFile: string
  readonly #commit: { immediate: (parts: readonly CommitPart[]) => void }
  readonly #relax: () => void
  readonly #restore: () => void
  /** Commits relax to NORMAL and are synced here, off the event loop. */
  readonly #syncsHere: boolean
  readonly #fdatasync: NonNullable<GroupCommitOptions['fdatasync']>
  #queued: CommitPart[] = []
  #scheduled = false
  /** Committed, waiting for the next sync. */
  #unsynced: CommitPart[] = []
  #syncing = false
  #idle: (() => void)[] = []
  #wal: number | undefined
  #broken: unknown
  readonly stats: GroupCommitStats = { commits: 0, syncs: 0 }

  private constructor(db: SqliteDatabase, { fdatasync: sync = fdatasync }: GroupCommitOptions) {
    this.#db = db
    this.#fdatasync = sync
    this.#walFile = `${db.name}-wal`
    this.#commit = db.transaction((parts: readonly CommitPart[]) => {
      for (const part of parts) part.write()
    })
    const setting = db.pragma('synchronous', { simple: true }) as number
    const wal = db.pragma('journal_mode', { simple: true }) === 'wal'
    this.#syncsHere = wal && !db.memory && setting >= 2
    const relax = db.prepare('PRAGMA synchronous = NORMAL')
    const restore = db.prepare(`PRAGMA synchronous = ${setting}`)
    this.#relax = this.#syncsHere ? () => relax.run() : () => undefined
    this.#restore = this.#syncsHere ? () => restore.run() : () => undefined
  }

  /**
   * Adds `part` to the commit of this turn of the event loop. setImmediate rather than a microtask:
   * writes issued by the I/O callbacks of the same turn (HTTP requests, settled writes looping
   * again) join it.
   */
  add(part: CommitPart): void {
    if (this.#broken !== undefined) {
      part.failed(this.#broken, false)
      return
    }
    this.#queued.push(part)
    if (!this.#scheduled) {
      this.#scheduled = true
      setImmediate(() => this.#commitQueued())
    }
  }

  /** Commits what is queued now and resolves once everything committed is durable (or has failed). For closing. */
  flush(): Promise<void> {
    this.#commitQueued()
    if (!this.#syncing && this.#unsynced.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.#idle.push(resolve))
  }

  #commitQueued(): void {
    this.#scheduled = false
    const parts = this.#queued
    if (parts.length === 0) return
    this.#queued = []
    if (this.#broken !== undefined) {
      for (const part of parts) part.failed(this.#broken, false)
      return
    }
    try {
      this.#relax()
      try {
        this.#commit.immediate(parts)
      } finally {
        this.#restore()
      }
    } catch (error) {
      for (const part of parts) part.failed(error, false)
      return
    }
    this.stats.commits += 1
    if (!this.#syncsHere) {
      for (const part of parts) part.durable()
      return
    }
    this.#unsynced.push(...parts)
    if (!this.#syncing) this.#sync()
  }

  #sync(): void {
    const covered = this.#unsynced
    this.#unsynced = []
    this.#syncing = true
    this.stats.syncs += 1
    let fd: number
    try {
      fd = this.#walDescriptor()
    } catch (error) {
      this.#synced(covered, error)
      return
    }
    this.#fdatasync(fd, (error) => this.#synced(covered, error ?? undefined))
  }

  #synced(covered: readonly CommitPart[], error: unknown): void {
    this.#syncing = false
    if (error !== undefined) {
      // After a failed fsync the kernel may have dropped the dirty pages: no later sync can vouch
      // for them, so nothing is acknowledged from here on.
      this.#broken ??= new WalSyncFailed(error)
      for (const part of [...covered, ...this.#unsynced]) part.failed(this.#broken, true)
      this.#unsynced = []
    } else {
      for (const part of covered) part.durable()
    }
    if (this.#unsynced.length > 0) this.#sync()
    else for (const resolve of this.#idle.splice(0)) resolve()
  }

  /**
   * A descriptor of the WAL file, opened on first use (SQLite has created the file by then). Any
   * descriptor of a file flushes it; one whose file was deleted (the last connection closed and
   * SQLite removed the WAL, then a new one was made) is replaced.
   */
  #walDescriptor(): number {
    if (this.#wal !== undefined && fstatSync(this.#wal).nlink > 0) return this.#wal
    if (this.#wal !== undefined) closeSync(this.#wal)
    this.#wal = undefined
    this.#wal = openSync(this.#walFile, 'r+')
    return this.#wal
  }

  /** Commits and syncs what is queued, then lets go of the WAL file: for the connection's owner, right before `db.close()`. */
  async close(): Promise<void> {
    await this.flush()
    SqliteGroupCommit.#byDatabase.delete(this.#db)
    if (this.#wal !== undefined) closeSync(this.#wal)
    this.#wal = undefined
  }
}
