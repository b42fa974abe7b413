import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { openSqliteDatabase, type SqliteDatabase } from '../../src/store/sqlite-database.js'
import {
  EVENT_STORE_SCHEMA,
  eventStoreMigrations,
  openSqliteEventStore,
} from '../../src/store/sqlite-event-store.js'
import { runMigrations, SchemaTooNew, type Migration } from '../../src/store/sqlite-migrations.js'

function tempDatabase(t: Test): { file: string; db: SqliteDatabase } {
  const dir = mkdtempSync(join(tmpdir(), 'target-ledger-migrations-'))
  const file = join(dir, 'events.db')
  const db = openSqliteDatabase(file)
  t.teardown(() => {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { file, db }
}

function appliedVersions(db: SqliteDatabase, scope: string): number[] {
  return db
    .prepare<[string], number>('SELECT version FROM schema_migrations WHERE scope = ? ORDER BY version')
    .pluck()
    .all(scope)
}

const readModel: Migration[] = [
  { version: 1, name: 'create zones', sql: 'CREATE TABLE zones (id TEXT PRIMARY KEY) STRICT' },
  { version: 2, name: 'add zone name', sql: "ALTER TABLE zones ADD COLUMN name TEXT NOT NULL DEFAULT ''" },
]

t.test('a new file gets every migration, recorded with its scope', async (t) => {
  const { db } = tempDatabase(t)
  t.same(runMigrations(db, EVENT_STORE_SCHEMA, eventStoreMigrations), eventStoreMigrations)
  t.same(appliedVersions(db, EVENT_STORE_SCHEMA), eventStoreMigrations.map((migration) => migration.version))
})

t.test('reopening a migrated file applies nothing and keeps the events', async (t) => {
  const { file, db } = tempDatabase(t)
  const store = openSqliteEventStore({ file })
  await store.append('target-a', [{ id: crypto.randomUUID(), type: 'T', data: {}, metadata: {} }], { expectedRevision: 'no_stream' })
  await store.close()
  t.same(runMigrations(db, EVENT_STORE_SCHEMA, eventStoreMigrations), [])
  const reopened = openSqliteEventStore({ file })
  t.teardown(() => reopened.close())
  t.equal(await reopened.headPosition(), 1n)
})

t.test('scopes version independently, so read models can migrate in the same file', async (t) => {
  const { db } = tempDatabase(t)
  runMigrations(db, EVENT_STORE_SCHEMA, eventStoreMigrations)
  t.same(runMigrations(db, 'projections', readModel.slice(0, 1)), readModel.slice(0, 1))
  t.same(runMigrations(db, 'projections', readModel), readModel.slice(1), 'only the new one')
  t.same(appliedVersions(db, 'projections'), [1, 2])
  t.same(appliedVersions(db, EVENT_STORE_SCHEMA), [1])
})

t.test('a failing migration leaves the schema as it was', async (t) => {
  const { db } = tempDatabase(t)
  runMigrations(db, EVENT_STORE_SCHEMA, eventStoreMigrations)
  const broken = [...readModel, { version: 3, name: 'broken', sql: 'ALTER TABLE nowhere ADD COLUMN x TEXT' }]
  t.throws(() => runMigrations(db, 'projections', broken))
  t.same(appliedVersions(db, 'projections'), [])
  t.notOk(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'zones'").get(), 'the earlier migrations were rolled back too')
})

t.test('a file migrated by a newer build is refused', async (t) => {
  const { file, db } = tempDatabase(t)
  runMigrations(db, EVENT_STORE_SCHEMA, eventStoreMigrations)
  db.prepare("INSERT INTO schema_migrations VALUES (?, 99, 'from the future', '2030-01-01T00:00:00Z')").run(EVENT_STORE_SCHEMA)
  t.throws(() => openSqliteEventStore({ file }), SchemaTooNew)
  t.throws(() => openSqliteEventStore({ file }), { code: 'STORE.SCHEMA_TOO_NEW', applied: 99 })
})

t.test('a migration list out of order is a programming error', async (t) => {
  const { db } = tempDatabase(t)
  t.throws(() => runMigrations(db, 'projections', [readModel[1]!]), TypeError)
})
