// Durable Idempotency-Key records: the completed response of each (principal, key), kept until it expires.
import type { Clock } from '../ledger/clock.js'
import { openSqliteDatabase, type SqliteDatabase, type SqliteDatabaseOptions } from './sqlite-database.js'
import { SqliteGroupCommit } from './sqlite-group-commit.js'
import { runMigrations, type Migration } from './sqlite-migrations.js'

export const IDEMPOTENCY_SCHEMA = 'idempotency'

export const idempotencyMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'create idempotency keys',
    // expires_at in epoch milliseconds: compared on every lookup and scanned by the purge.
    sql: `CREATE TABLE idempotency_keys (
      principal_id TEXT    NOT NULL,
      key          TEXT    NOT NULL,
      fingerprint  TEXT    NOT NULL,
      status       INTEGER NOT NULL,
      headers      TEXT    NOT NULL,
      body         BLOB    NOT NULL,
      created_at   TEXT    NOT NULL,
      expires_at   INTEGER NOT NULL,
      PRIMARY KEY (principal_id, key)
    ) STRICT;
    CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);`,
  },
]

/** A response as the client got it; replayed byte for byte. */
export interface RecordedResponse {
  /** sha256 of the request it answered (method, URL, If-Match, canonical body). */
  fingerprint: string
  status: number
  /** The headers a replay must repeat (lower-case names). */
  headers: Record<string, string>
  body: Buffer
}

export interface IdempotencyRecord extends RecordedResponse {
  createdAt: Date
  expiresAt: Date
}

export class IdempotencyStoreClosed extends Error {
  readonly code = 'IDEMPOTENCY.STORE_CLOSED'
  constructor() {
    super('the idempotency store is closed')
    this.name = 'IdempotencyStoreClosed'
  }
}

/** The port the HTTP layer needs. `find` is synchronous so that a lookup and an in-flight claim never straddle an `await`. */
export interface IdempotencyStore {
  /** The unexpired record of `key` for `principalId`, if any. */
  find(principalId: string, key: string): IdempotencyRecord | undefined
  /** Resolves once the record is committed (fsynced). An expired record of the same key is replaced. */
  save(principalId: string, key: string, response: RecordedResponse): Promise<IdempotencyRecord>
  /**
   * Writes the record at once, inside the transaction open on the store's connection (a write's own,
   * which commits it with the write), and returns it; returns undefined and writes nothing when no
   * transaction is open there: the caller then saves it the usual way.
   */
  saveInOpenTransaction(principalId: string, key: string, response: RecordedResponse): IdempotencyRecord | undefined
  close(): Promise<void>
}

export interface SqliteIdempotencyStoreOptions {
  clock: Clock
  /** How long a key is remembered after its response, in milliseconds. */
  ttlMs: number
  /** Expired rows are purged at most this often (clock time), inside a save's commit. Default 10 minutes. */
  purgeEveryMs?: number
  /** Rows deleted by one opportunistic purge, so a backlog never stalls a commit. Default 1000. */
  purgeBatchSize?: number
  /** Called after each commit: for metrics, and to observe batching. */
  onBatchCommitted?: (batch: { records: number; purged: number }) => void
}

interface KeyRow {
  fingerprint: string
  status: number
  headers: string
  body: Buffer
  created_at: string
  expires_at: number
}

interface PendingSave {
  principalId: string
  key: string
  record: IdempotencyRecord
  resolve: (record: IdempotencyRecord) => void
  reject: (error: unknown) => void
}

/** Keys beside the events, in the event store's file (`db` stays the caller's to close). */
export function createSqliteIdempotencyStore(db: SqliteDatabase, options: SqliteIdempotencyStoreOptions): SqliteIdempotencyStore {
  return new SqliteIdempotencyStore(db, options, false)
}

export interface OpenSqliteIdempotencyStoreOptions extends SqliteIdempotencyStoreOptions, SqliteDatabaseOptions {
  file: string
}

/** Keys in a file of their own (with STORE=esdb, this node's read-model file); `close()` closes it. */
export function openSqliteIdempotencyStore(options: OpenSqliteIdempotencyStoreOptions): SqliteIdempotencyStore {
  const db = openSqliteDatabase(options.file, options)
  try {
    return new SqliteIdempotencyStore(db, options, true)
  } catch (error) {
    db.close()
    throw error
  }
}

/**
 * Saves are queued and committed together on the next turn of the event loop, in the connection's
 * group commit (`SqliteGroupCommit`): with the events in the same file, they share the appends'
 * transaction and sync. A due purge of expired rows rides along too. A save resolves once its commit
 * is durable. A write's own response needs no save of its own: `saveInOpenTransaction` writes it
 * inside the write's append.
 */
export class SqliteIdempotencyStore implements IdempotencyStore {
  readonly #clock: Clock
  readonly #ttlMs: number
  readonly #purgeEveryMs: number
  readonly #purgeBatchSize: number
  readonly #onBatchCommitted: SqliteIdempotencyStoreOptions['onBatchCommitted']
  readonly #sql: Statements
  readonly #group: SqliteGroupCommit
  readonly #commitBatch: (batch: PendingSave[]) => number
  #queue: PendingSave[] = []
  #partQueued = false
  #lastPurgeMs = Number.NEGATIVE_INFINITY
  #closed = false

  readonly #db: SqliteDatabase
  readonly #ownsDb: boolean

  /** `ownsDb`: `close()` closes `db` too. The factories above say which. */
  constructor(db: SqliteDatabase, options: SqliteIdempotencyStoreOptions, ownsDb: boolean) {
    if (!(options.ttlMs > 0)) throw new RangeError(`ttlMs must be positive, got ${options.ttlMs}`)
    this.#db = db
    this.#ownsDb = ownsDb
    this.#clock = options.clock
    this.#ttlMs = options.ttlMs
    this.#purgeEveryMs = options.purgeEveryMs ?? 10 * 60 * 1000
    this.#purgeBatchSize = options.purgeBatchSize ?? 1000
    this.#onBatchCommitted = options.onBatchCommitted
    runMigrations(db, IDEMPOTENCY_SCHEMA, idempotencyMigrations)
    this.#sql = prepareStatements(db)
    this.#group = SqliteGroupCommit.of(db)
    // Runs inside the group's transaction.
    this.#commitBatch = (batch: PendingSave[]): number => {
      for (const { principalId, key, record } of batch) this.#write(principalId, key, record)
      return this.#purgeIfDue()
    }
  }

  find(principalId: string, key: string): IdempotencyRecord | undefined {
    this.#assertOpen()
    const row = this.#sql.select.get(principalId, key, this.#clock.now().getTime())
    if (row === undefined) return undefined
    return {
      fingerprint: row.fingerprint,
      status: row.status,
      headers: JSON.parse(row.headers) as Record<string, string>,
      body: row.body,
      createdAt: new Date(row.created_at),
      expiresAt: new Date(row.expires_at),
    }
  }

  save(principalId: string, key: string, response: RecordedResponse): Promise<IdempotencyRecord> {
    if (this.#closed) return Promise.reject(new IdempotencyStoreClosed())
    const record = this.#record(response)
    return new Promise<IdempotencyRecord>((resolve, reject) => {
      this.#queue.push({ principalId, key, record, resolve, reject })
      if (!this.#partQueued) {
        this.#partQueued = true
        this.#group.add(this.#commitPart())
      }
    })
  }

  saveInOpenTransaction(principalId: string, key: string, response: RecordedResponse): IdempotencyRecord | undefined {
    this.#assertOpen()
    if (!this.#db.inTransaction) return undefined
    const record = this.#record(response)
    this.#write(principalId, key, record)
    return record
  }

  #record(response: RecordedResponse): IdempotencyRecord {
    const createdAt = this.#clock.now()
    return { ...response, headers: { ...response.headers }, createdAt, expiresAt: new Date(createdAt.getTime() + this.#ttlMs) }
  }

  #write(principalId: string, key: string, record: IdempotencyRecord): void {
    this.#sql.upsert.run({
      principalId,
      key,
      fingerprint: record.fingerprint,
      status: record.status,
      headers: JSON.stringify(record.headers),
      body: record.body,
      createdAt: record.createdAt.toISOString(),
      expiresAt: record.expiresAt.getTime(),
    })
  }

  /** Deletes every expired record now; returns how many. Lookups ignore expired records either way. */
  purgeExpired(): number {
    this.#assertOpen()
    const now = this.#clock.now().getTime()
    this.#lastPurgeMs = now
    return Number(this.#sql.purgeAll.run(now).changes)
  }

  /** Commits and syncs the saves already queued; closes the database only if this store opened it. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#ownsDb) {
      await this.#group.close()
      this.#db.close()
    } else {
      await this.#group.flush()
    }
  }

  /** This store's share of the next group commit: every save queued by the time it runs. */
  #commitPart() {
    let taken: PendingSave[] | undefined
    let purged = 0
    return {
      write: () => {
        this.#partQueued = false
        const batch = (taken = this.#queue)
        this.#queue = []
        purged = this.#commitBatch(batch)
      },
      durable: () => {
        for (const pending of taken!) pending.resolve(pending.record)
        this.#onBatchCommitted?.({ records: taken!.length, purged })
      },
      failed: (error: unknown) => {
        if (taken === undefined) {
          this.#partQueued = false
          taken = this.#queue
          this.#queue = []
        }
        for (const pending of taken) pending.reject(error)
      },
    }
  }

  #purgeIfDue(): number {
    const now = this.#clock.now().getTime()
    if (now - this.#lastPurgeMs < this.#purgeEveryMs) return 0
    this.#lastPurgeMs = now
    return Number(this.#sql.purgeSome.run(now, this.#purgeBatchSize).changes)
  }

  #assertOpen(): void {
    if (this.#closed) throw new IdempotencyStoreClosed()
  }
}

type Statements = ReturnType<typeof prepareStatements>

function prepareStatements(db: SqliteDatabase) {
  return {
    select: db.prepare<[string, string, number], KeyRow>(
      `SELECT fingerprint, status, headers, body, created_at, expires_at
         FROM idempotency_keys WHERE principal_id = ? AND key = ? AND expires_at > ?`,
    ),
    upsert: db.prepare<
      [
        {
          principalId: string
          key: string
          fingerprint: string
          status: number
          headers: string
          body: Buffer
          createdAt: string
          expiresAt: number
        },
      ]
    >(
      `INSERT INTO idempotency_keys (principal_id, key, fingerprint, status, headers, body, created_at, expires_at)
       VALUES (@principalId, @key, @fingerprint, @status, @headers, @body, @createdAt, @expiresAt)
       ON CONFLICT (principal_id, key) DO UPDATE SET
         fingerprint = excluded.fingerprint, status = excluded.status, headers = excluded.headers,
         body = excluded.body, created_at = excluded.created_at, expires_at = excluded.expires_at`,
    ),
    purgeAll: db.prepare<[number]>('DELETE FROM idempotency_keys WHERE expires_at <= ?'),
    // DELETE … LIMIT needs a compile-time option; a rowid subquery bounds the work without it.
    purgeSome: db.prepare<[number, number]>(
      `DELETE FROM idempotency_keys WHERE rowid IN
         (SELECT rowid FROM idempotency_keys WHERE expires_at <= ? LIMIT ?)`,
    ),
  }
}
