// Versioned schema migrations for one SQLite file shared by several owners (the event store, the projector).
import type { SqliteDatabase } from './sqlite-database.js'

export interface Migration {
  /** 1, 2, 3 … in list order; a version, once released, never changes its SQL. */
  version: number
  name: string
  sql: string
}

/** The file was written by a newer build: running older code on it could corrupt it. */
export class SchemaTooNew extends Error {
  readonly code = 'STORE.SCHEMA_TOO_NEW'
  constructor(
    readonly scope: string,
    readonly applied: number,
    readonly known: number,
  ) {
    super(`schema ${scope} is at version ${applied}, this build knows up to ${known}`)
    this.name = 'SchemaTooNew'
  }
}

/**
 * Applies the migrations of `scope` not yet recorded in `schema_migrations`, all in one
 * transaction, and returns them (empty when the schema is current). Each owner of tables in the
 * file uses its own scope, so their version numbers never collide.
 */
export function runMigrations(db: SqliteDatabase, scope: string, migrations: readonly Migration[]): Migration[] {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new TypeError(`migrations of ${scope} must be numbered 1..n in order; found ${migration.version} at ${index + 1}`)
    }
  })
  const migrate = db.transaction((): Migration[] => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      scope      TEXT    NOT NULL,
      version    INTEGER NOT NULL,
      name       TEXT    NOT NULL,
      applied_at TEXT    NOT NULL,
      PRIMARY KEY (scope, version)
    ) STRICT`)
    const applied = db
      .prepare<[string], number>('SELECT coalesce(max(version), 0) FROM schema_migrations WHERE scope = ?')
      .pluck()
      .get(scope) ?? 0
    if (applied > migrations.length) throw new SchemaTooNew(scope, applied, migrations.length)
    const record = db.prepare<[string, number, string, string]>(
      'INSERT INTO schema_migrations (scope, version, name, applied_at) VALUES (?, ?, ?, ?)',
    )
    const pending = migrations.slice(applied)
    for (const migration of pending) {
      db.exec(migration.sql)
      record.run(scope, migration.version, migration.name, new Date().toISOString())
    }
    return pending
  })
  // IMMEDIATE takes the write lock up front, so two processes opening the same file migrate one after the other.
  return migrate.immediate()
}
