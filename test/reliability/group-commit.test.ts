// The durability contract of the SQLite group commit: one transaction and one WAL sync for the appends
// and Idempotency-Key records of a turn; nothing acknowledged or readable before its sync; a failed
// sync fails every write from then on.
import fs from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { fixedClock } from '../../src/ledger/clock.js'
import type { EventToAppend } from '../../src/store/event-store.js'
import { openSqliteDatabase } from '../../src/store/sqlite-database.js'
import { SqliteEventStore } from '../../src/store/sqlite-event-store.js'
import { SqliteGroupCommit, WalSyncFailed } from '../../src/store/sqlite-group-commit.js'
import { createSqliteIdempotencyStore } from '../../src/store/sqlite-idempotency-store.js'
import { tempDir } from '../helpers/app.js'

type SyncDone = (error: NodeJS.ErrnoException | null) => void

/** fdatasync under the test's control: each call waits until released or failed; after `stop`, syncs run at once. */
const heldSyncs = () => {
  const waiting: { fd: number; done: SyncDone }[] = []
  let holding = true
  const release = () => {
    for (const sync of waiting.splice(0)) fs.fdatasync(sync.fd, sync.done)
  }
  return {
    fdatasync: (fd: number, done: SyncDone) => (holding ? waiting.push({ fd, done }) : fs.fdatasync(fd, done)),
    release,
    fail: () => {
      for (const sync of waiting.splice(0)) sync.done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }))
    },
    stop: () => {
      holding = false
      release()
    },
  }
}

/** Both stores on one file, sharing a group commit whose syncs the test controls. */
const openStores = (t: Test, syncs: ReturnType<typeof heldSyncs>) => {
  const db = openSqliteDatabase(join(tempDir(t, 'target-ledger-group-'), 'ledger.db'))
  const { stats } = SqliteGroupCommit.of(db, { fdatasync: syncs.fdatasync })
  const store = new SqliteEventStore(db)
  const keys = createSqliteIdempotencyStore(db, { clock: fixedClock('2023-07-15T02:00:00.000Z'), ttlMs: 60_000 })
  t.teardown(async () => {
    syncs.stop()
    await keys.close().catch(() => {})
    await store.close().catch(() => {})
  })
  return { store, keys, stats }
}

let ids = 0
const event = (): EventToAppend => ({ id: `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`, type: 'Tested', data: {}, metadata: {} })
const response = { fingerprint: 'f'.repeat(64), status: 201, headers: {}, body: Buffer.from('{}') }

const settledYet = async (promise: Promise<unknown>): Promise<boolean> => {
  let settled = false
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  )
  // Long enough for the commit's setImmediate and any microtasks after it.
  await new Promise((resolve) => setTimeout(resolve, 20))
  return settled
}

t.test('appends and key records of one turn share one commit and one sync, and settle only after it', async (t) => {
  const syncs = heldSyncs()
  const { store, keys, stats } = openStores(t, syncs)
  const before = { ...stats }

  const appends = ['a', 'b', 'c'].map((stream) => store.append(stream, [event()], { expectedRevision: 'no_stream' }))
  const saved = keys.save('principal', 'key-1', response)
  t.notOk(await settledYet(Promise.race([...appends, saved])), 'committed, but nothing settles while the WAL sync is pending')
  t.same({ commits: stats.commits - before.commits, syncs: stats.syncs - before.syncs }, { commits: 1, syncs: 1 }, 'one commit, one sync')

  t.equal(await store.headPosition(), 0n, 'a pending commit is not readable: head position')
  t.same(await collect(store.readAll()), [], 'nor in the global feed')
  t.same(await collect(store.readStream('a')), [], 'nor in its stream')

  syncs.release()
  const results = await Promise.all(appends)
  t.same(results.map((result) => result.nextRevision), [0n, 0n, 0n], 'every append acknowledged once synced')
  t.equal((await saved).status, 201, 'the key record too')
  t.equal((await collect(store.readAll())).length, 3, 'and now readable')
})

t.test('commits made while a sync runs wait for the next sync, which covers them all', async (t) => {
  const syncs = heldSyncs()
  const { store, stats } = openStores(t, syncs)
  const first = store.append('s', [event()], { expectedRevision: 'no_stream' })
  await settledYet(first)
  const syncsBefore = stats.syncs
  const second = store.append('t', [event()], { expectedRevision: 'no_stream' })
  const third = store.append('u', [event()], { expectedRevision: 'no_stream' })
  t.notOk(await settledYet(Promise.race([second, third])), 'committed behind the running sync')
  t.equal(stats.syncs, syncsBefore, 'no second sync while one runs')
  syncs.release()
  await first
  t.notOk(await settledYet(Promise.race([second, third])), 'the first sync does not acknowledge later commits')
  t.equal(stats.syncs, syncsBefore + 1, 'one more sync covers both later commits')
  syncs.release()
  t.same((await Promise.all([second, third])).map((result) => result.nextRevision), [0n, 0n])
})

t.test('a failed sync fails the writes it covered and every later write', async (t) => {
  const syncs = heldSyncs()
  const { store, keys } = openStores(t, syncs)
  const append = store.append('s', [event()], { expectedRevision: 'no_stream' })
  const saved = keys.save('principal', 'key-1', response)
  await settledYet(append)
  syncs.fail()
  await t.rejects(append, WalSyncFailed, 'the append covered by the failed sync is not acknowledged')
  await t.rejects(saved, WalSyncFailed, 'nor the key record')
  await t.rejects(store.append('t', [event()], { expectedRevision: 'no_stream' }), WalSyncFailed, 'a later append fails at once')
  await t.rejects(keys.save('principal', 'key-2', response), WalSyncFailed, 'and so does a later key record')
})

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = []
  for await (const item of items) all.push(item)
  return all
}
