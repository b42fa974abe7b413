import { join } from 'node:path'
import t, { type Test } from 'tap'
import { fixedClock } from '../../src/ledger/clock.js'
import { openSqliteDatabase } from '../../src/store/sqlite-database.js'
import { openSqliteEventStore } from '../../src/store/sqlite-event-store.js'
import {
  createSqliteIdempotencyStore,
  IdempotencyStoreClosed,
  openSqliteIdempotencyStore,
  type RecordedResponse,
} from '../../src/store/sqlite-idempotency-store.js'
import { tempDir } from '../helpers/app.js'

const hour = 60 * 60 * 1000
const day = 24 * hour
const start = '2023-07-15T02:00:00.000Z'

const created: RecordedResponse = {
  fingerprint: 'a'.repeat(64),
  status: 201,
  headers: { 'content-type': 'application/json; charset=utf-8', etag: '"3"', location: '/v1/targets/t1' },
  body: Buffer.from('{"targetId":"t1","revision":"3"}'),
}

const openKeys = (t: Test, options: { ttlMs?: number; purgeEveryMs?: number } = {}) => {
  const file = join(tempDir(t, 'target-ledger-keys-'), 'keys.db')
  const clock = fixedClock(start)
  const batches: { records: number; purged: number }[] = []
  const open = () =>
    openSqliteIdempotencyStore({
      file,
      clock,
      ttlMs: options.ttlMs ?? day,
      ...(options.purgeEveryMs !== undefined ? { purgeEveryMs: options.purgeEveryMs } : {}),
      onBatchCommitted: (batch) => batches.push(batch),
    })
  const keys = open()
  t.teardown(() => keys.close())
  return { file, clock, keys, batches, open }
}

/** Counted through a second connection: what is committed to the file. */
const countRows = (file: string): number => {
  const db = openSqliteDatabase(file)
  try {
    return db.prepare<[], number>('SELECT count(*) FROM idempotency_keys').pluck().get() ?? 0
  } finally {
    db.close()
  }
}

t.test('a saved response is found again, byte for byte, with its expiry', async (t) => {
  const { keys } = openKeys(t)
  const saved = await keys.save('agency-huangdao', 'key-1', created)
  t.same(saved.createdAt, new Date(start))
  t.same(saved.expiresAt, new Date(Date.parse(start) + day))
  const found = keys.find('agency-huangdao', 'key-1')
  t.ok(found)
  t.equal(found!.status, 201)
  t.same(found!.headers, created.headers)
  t.ok(found!.body.equals(created.body), 'same bytes')
  t.equal(found!.fingerprint, created.fingerprint)
  t.same(found!.expiresAt, saved.expiresAt)
})

t.test('an unknown key is not found', async (t) => {
  const { keys } = openKeys(t)
  t.equal(keys.find('agency-huangdao', 'never-used'), undefined)
})

t.test('keys are scoped by principal', async (t) => {
  const { keys } = openKeys(t)
  await keys.save('agency-huangdao', 'shared-key', created)
  t.equal(keys.find('agency-jiaonan', 'shared-key'), undefined)
  await keys.save('agency-jiaonan', 'shared-key', { ...created, fingerprint: 'b'.repeat(64), status: 422 })
  t.equal(keys.find('agency-huangdao', 'shared-key')?.status, 201)
  t.equal(keys.find('agency-jiaonan', 'shared-key')?.status, 422)
})

t.test('the record keeps the fingerprint of the request it answered, for the caller to compare', async (t) => {
  const { keys } = openKeys(t)
  await keys.save('agency-huangdao', 'key-1', created)
  t.not(keys.find('agency-huangdao', 'key-1')?.fingerprint, 'b'.repeat(64))
})

t.test('an empty body is recorded as empty', async (t) => {
  const { keys } = openKeys(t)
  await keys.save('admin', 'no-content', { fingerprint: 'c'.repeat(64), status: 204, headers: {}, body: Buffer.alloc(0) })
  const found = keys.find('admin', 'no-content')
  t.equal(found?.status, 204)
  t.equal(found?.body.length, 0)
})

t.test('a record expires after the TTL, by the injected clock', async (t) => {
  const { keys, clock } = openKeys(t, { ttlMs: hour })
  await keys.save('agency-huangdao', 'key-1', created)
  clock.set(new Date(Date.parse(start) + hour - 1))
  t.ok(keys.find('agency-huangdao', 'key-1'), 'still there a millisecond before')
  clock.set(new Date(Date.parse(start) + hour))
  t.equal(keys.find('agency-huangdao', 'key-1'), undefined, 'gone at the TTL')
})

t.test('an expired key can be used again, and the new record replaces the old', async (t) => {
  const { keys, clock } = openKeys(t, { ttlMs: hour })
  await keys.save('agency-huangdao', 'key-1', created)
  clock.set(new Date(Date.parse(start) + 2 * hour))
  await keys.save('agency-huangdao', 'key-1', { ...created, fingerprint: 'd'.repeat(64), status: 200 })
  const found = keys.find('agency-huangdao', 'key-1')
  t.equal(found?.fingerprint, 'd'.repeat(64))
  t.equal(found?.status, 200)
  t.same(found?.expiresAt, new Date(Date.parse(start) + 3 * hour))
})

t.test('purgeExpired deletes expired rows only', async (t) => {
  const { keys, clock, file } = openKeys(t, { ttlMs: hour })
  await keys.save('agency-huangdao', 'old', created)
  clock.set(new Date(Date.parse(start) + 30 * 60 * 1000))
  await keys.save('agency-huangdao', 'newer', created)
  clock.set(new Date(Date.parse(start) + hour))
  t.equal(keys.purgeExpired(), 1)
  t.equal(countRows(file), 1)
  t.ok(keys.find('agency-huangdao', 'newer'))
  t.equal(keys.purgeExpired(), 0, 'nothing left to purge')
})

t.test('a save purges expired rows in its own commit once the purge interval has passed', async (t) => {
  const { keys, clock, batches, file } = openKeys(t, { ttlMs: hour, purgeEveryMs: 10 * 60 * 1000 })
  await keys.save('agency-huangdao', 'old-1', created)
  await keys.save('agency-huangdao', 'old-2', created)
  t.same(batches.map((b) => b.purged), [0, 0], 'the first save purged (nothing); the second was within the interval')
  clock.set(new Date(Date.parse(start) + 2 * hour))
  await keys.save('agency-huangdao', 'fresh', created)
  t.same(batches.at(-1), { records: 1, purged: 2 })
  t.equal(countRows(file), 1)
})

t.test('saves issued together share one commit, and each resolves only after it', async (t) => {
  const { keys, batches } = openKeys(t)
  const saves = Array.from({ length: 25 }, (_, i) => keys.save('agency-huangdao', `key-${i}`, created))
  t.equal(keys.find('agency-huangdao', 'key-0'), undefined, 'nothing is visible before the commit')
  await Promise.all(saves)
  t.same(batches, [{ records: 25, purged: 0 }])
  t.ok(keys.find('agency-huangdao', 'key-24'))
})

t.test('records survive closing and reopening the file', async (t) => {
  const { keys, open } = openKeys(t)
  await keys.save('agency-huangdao', 'key-1', created)
  await keys.close()
  const reopened = open()
  t.teardown(() => reopened.close())
  const found = reopened.find('agency-huangdao', 'key-1')
  t.equal(found?.status, 201)
  t.ok(found?.body.equals(created.body))
})

t.test('close commits saves still queued', async (t) => {
  const { keys, open } = openKeys(t)
  const saving = keys.save('agency-huangdao', 'key-1', created)
  await keys.close()
  await saving
  const reopened = open()
  t.teardown(() => reopened.close())
  t.ok(reopened.find('agency-huangdao', 'key-1'))
})

t.test('a closed store refuses lookups and saves', async (t) => {
  const { keys } = openKeys(t)
  await keys.close()
  t.throws(() => keys.find('agency-huangdao', 'key-1'), IdempotencyStoreClosed)
  await t.rejects(keys.save('agency-huangdao', 'key-1', created), IdempotencyStoreClosed)
})

t.test('keys live beside the events in the event store file, in their own migration scope', async (t) => {
  const file = join(tempDir(t), 'ledger.db')
  const events = openSqliteEventStore({ file })
  t.teardown(() => events.close())
  const keys = createSqliteIdempotencyStore(events.db, { clock: fixedClock(start), ttlMs: day })
  await keys.save('agency-huangdao', 'key-1', created)
  await keys.close()
  t.ok(events.db.open, 'closing the key store leaves the shared database open')
  const scopes = events.db.prepare<[], string>('SELECT DISTINCT scope FROM schema_migrations ORDER BY scope').pluck().all()
  t.same(scopes, ['event-store', 'idempotency'])
  const again = createSqliteIdempotencyStore(events.db, { clock: fixedClock(start), ttlMs: day })
  t.equal(again.find('agency-huangdao', 'key-1')?.status, 201)
})

t.test('a non-positive TTL is refused', async (t) => {
  const file = join(tempDir(t), 'ledger.db')
  const events = openSqliteEventStore({ file })
  t.teardown(() => events.close())
  t.throws(() => createSqliteIdempotencyStore(events.db, { clock: fixedClock(start), ttlMs: 0 }), RangeError)
})

t.test('saveInOpenTransaction writes inside the caller’s transaction, and nothing outside one', async (t) => {
  const db = openSqliteDatabase(join(tempDir(t, 'target-ledger-keys-'), 'shared.db'))
  const store = createSqliteIdempotencyStore(db, { clock: fixedClock(start), ttlMs: day })
  t.teardown(async () => {
    await store.close()
    db.close()
  })
  t.equal(store.saveInOpenTransaction('agency-a', 'outside', created), undefined, 'no transaction open: nothing written')
  t.equal(store.find('agency-a', 'outside'), undefined)
  const written = db.transaction(() => store.saveInOpenTransaction('agency-a', 'inside', created))()
  t.match(written, { status: 201, fingerprint: created.fingerprint })
  t.same(store.find('agency-a', 'inside')?.body, created.body, 'committed with the caller’s transaction')
  t.throws(
    () =>
      db.transaction(() => {
        store.saveInOpenTransaction('agency-a', 'rolled-back', created)
        throw new Error('the write failed')
      })(),
    { message: 'the write failed' },
  )
  t.equal(store.find('agency-a', 'rolled-back'), undefined, 'and rolled back with it')
})
