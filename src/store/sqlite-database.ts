// Opens a SQLite file with the durability settings every connection of the app must share.
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'

export type SqliteDatabase = Database.Database

export interface SqliteDatabaseOptions {
  /** How long a statement waits for another connection's write lock before failing with SQLITE_BUSY. Default 5000. */
  busyTimeoutMs?: number
}

/**
 * WAL with `synchronous=FULL`: a COMMIT returns only after the WAL is fsynced, so an acknowledged
 * write survives a crash or power loss. Both pragmas are per connection, hence this one opener
 * for the event store and for read-model files alike.
 */
export function openSqliteDatabase(file: string, options: SqliteDatabaseOptions = {}): SqliteDatabase {
  mkdirSync(dirname(file), { recursive: true })
  // The busy timeout must be in place before switching to WAL, which needs a lock.
  const db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 })
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    // Checkpoint every ~40 MB of WAL instead of SQLite's ~4 MB: a group commit dirties a page per
    // event in each index, and fewer, larger checkpoints copy a page rewritten by many commits once
    // and fsync the database file less often (+30–45% group-commit throughput measured by bench/).
    db.pragma('wal_autocheckpoint = 10000')
    return db
  } catch (error) {
    db.close()
    throw error
  }
}
