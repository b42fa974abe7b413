// The projector: catch-up in checkpointed batches, restart, version-driven rebuilds, live feed, read-your-writes.
import t from 'tap'
import { generateLedger, type GeneratedEvent } from '../../bench/ledger-generator.js'
import { loadCatalog } from '../../seeds/catalog-loader.js'
import { auditTrailSql } from '../../projections/audit-trail-sql.js'
import { targetSummarySql } from '../../projections/target-summary-sql.js'
import { createProjector, type ProjectorLog } from '../../src/projector/projector.js'
import { seedCatalog } from '../../src/ledger/seed.js'
import { fixedClock } from '../../src/ledger/clock.js'
import { createTargetLedger, targetStreamId } from '../../src/ledger/target-ledger.js'
import type { EventStore, Json, ReadAllOptions } from '../../src/store/event-store.js'
import { openSqliteDatabase } from '../../src/store/sqlite-database.js'
import { openSqliteEventStore } from '../../src/store/sqlite-event-store.js'
import { midYear, openTestLedger, type TestLedger } from '../helpers/app.js'
import { writeHistory } from './fixtures/history.js'
import { checkpoints, readModelRows } from './fixtures/read-model-rows.js'

const catalog = loadCatalog()
const target = catalog.find((definition) => definition.kind === 'reach')!
const agency = { id: 'agency-1', role: 'agency', zones: [target.zoneId] } as const

/** The store, recording where each readAll started and how many events it handed out. */
const observed = (store: EventStore) => {
  const reads: { from: bigint; events: number }[] = []
  const wrapped: EventStore = {
    append: (...args) => store.append(...args),
    readStream: (...args) => store.readStream(...args),
    readAll: (options: ReadAllOptions = {}) => {
      const read = { from: options.fromPosition ?? 0n, events: 0 }
      reads.push(read)
      const events = store.readAll(options)
      return (async function* () {
        for await (const event of events) {
          read.events += 1
          yield event
        }
      })()
    },
    subscribeAll: (...args) => store.subscribeAll(...args),
    headPosition: () => store.headPosition(),
    close: () => store.close(),
  }
  return { store: wrapped, reads }
}

const recordingLog = () => {
  const lines: { level: string; obj: object; msg: string }[] = []
  const log: ProjectorLog = {
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  }
  return { log, lines }
}

const report = (ledger: TestLedger['ledger'], reportId: string, value: number) =>
  ledger.execute(target.id, { type: 'ReportProgress', data: { reportId, asOf: '2023-06-30', value } }, { actor: agency, correlationId: reportId })

const count = (db: TestLedger['store']['db'], table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number

t.test('catching up applies every event in batches and leaves every checkpoint at the head', async (t) => {
  const { store } = openTestLedger(t, { now: '2024-01-10T02:00:00.000Z' })
  await writeHistory(store, { events: 2_500 })
  const projector = createProjector({ store, db: store.db, batchSize: 1000 })
  const { events, position, rebuilt } = await projector.rebuild()
  const head = await store.headPosition()
  t.same({ events, position, rebuilt }, { events: 2_500, position: head, rebuilt: ['target-summary', 'audit-trail'] })
  t.same(checkpoints(store.db), { 'target-summary': head, 'audit-trail': head })
  t.equal(count(store.db, 'audit_trail'), 2_500)
  t.equal(count(store.db, 'target_summary'), catalog.length)
})

t.test('a restarted projector reads only the events after its checkpoint', async (t) => {
  const { store, ledger } = openTestLedger(t)
  await seedCatalog(ledger, catalog)
  const first = createProjector({ store, db: store.db })
  await first.start()
  await first.stop()
  const before = first.position()
  await report(ledger, 'r1', 5)
  await report(ledger, 'r2', 7)

  const { store: watched, reads } = observed(store)
  const second = createProjector({ store: watched, db: store.db })
  await second.start()
  t.teardown(() => second.stop())
  t.same(reads, [{ from: before, events: 2 }], 'one read from the checkpoint, two events')
  t.equal(second.position(), await store.headPosition())
  t.equal(count(store.db, 'audit_trail'), catalog.length + 2, 'nothing applied twice')
})

t.test('a projection whose version changed is dropped and replayed on start; the others keep their rows', async (t) => {
  const { store } = openTestLedger(t, { now: '2024-01-10T02:00:00.000Z' })
  await writeHistory(store, { events: 1_500 })
  await createProjector({ store, db: store.db }).rebuild()
  const rowsBefore = readModelRows(store.db)
  // Rows a bug of version 1 left behind: the rebuild must not keep them.
  store.db.prepare("UPDATE target_summary SET reports = -1").run()

  const { log, lines } = recordingLog()
  const { store: watched, reads } = observed(store)
  const projector = createProjector({ store: watched, db: store.db, log, projections: [{ ...targetSummarySql, version: targetSummarySql.version + 1 }, auditTrailSql] })
  await projector.start()
  t.teardown(() => projector.stop())

  t.match(lines.filter((line) => line.msg.includes('rebuilt')), [
    { msg: /^version changed/, obj: { projection: 'target-summary', version: targetSummarySql.version + 1, previousVersion: targetSummarySql.version } },
  ])
  t.same(reads.map((read) => read.from), [0n], 'replayed from the start of the log')
  const rowsAfter = readModelRows(store.db)
  t.strictSame(rowsAfter['target_summary'], rowsBefore['target_summary'], 'the summary is rebuilt as it was before the damage')
  t.strictSame(rowsAfter['audit_trail'], rowsBefore['audit_trail'], 'the audit trail is untouched, not applied twice')
  t.same(checkpoints(store.db), { 'target-summary': await store.headPosition(), 'audit-trail': await store.headPosition() })
})

t.test('an unchanged version is not rebuilt', async (t) => {
  const { store, ledger } = openTestLedger(t)
  await seedCatalog(ledger, catalog)
  await createProjector({ store, db: store.db }).rebuild()
  const { log, lines } = recordingLog()
  const projector = createProjector({ store, db: store.db, log })
  await projector.start()
  t.teardown(() => projector.stop())
  t.same(lines.filter((line) => line.msg.includes('rebuilt')), [])
})

t.test('waitFor resolves true once the position is applied', async (t) => {
  const { store, ledger } = openTestLedger(t)
  await seedCatalog(ledger, catalog)
  const projector = createProjector({ store, db: store.db })
  await projector.start()
  t.teardown(() => projector.stop())
  const written = await report(ledger, 'r1', 5)
  t.ok(projector.position() < written.position, 'the write is not applied yet when it returns')
  t.equal(await projector.waitFor(written.position, { timeoutMs: 2_000 }), true)
  t.ok(projector.position() >= written.position)
  t.equal(await projector.waitFor(1n), true, 'a position already applied resolves at once')
})

t.test('waitFor resolves false when the position is not reached in time', async (t) => {
  const { store, ledger } = openTestLedger(t)
  await seedCatalog(ledger, catalog)
  const projector = createProjector({ store, db: store.db })
  await projector.start()
  t.teardown(() => projector.stop())
  const started = Date.now()
  t.equal(await projector.waitFor((await store.headPosition()) + 1n, { timeoutMs: 50 }), false)
  t.ok(Date.now() - started >= 45, 'it waited for the timeout')
})

t.test('pending waits resolve false when the projector stops', async (t) => {
  const { store, ledger } = openTestLedger(t)
  await seedCatalog(ledger, catalog)
  const projector = createProjector({ store, db: store.db })
  await projector.start()
  const waiting = projector.waitFor(10_000n, { timeoutMs: 10_000 })
  await projector.stop()
  t.equal(await waiting, false)
  t.equal(projector.status().state, 'stopped')
})

t.test('appends arriving together while live are applied together, not one transaction each', async (t) => {
  const { store, ledger } = openTestLedger(t)
  await seedCatalog(ledger, catalog)
  const projector = createProjector({ store, db: store.db })
  await projector.start()
  t.teardown(() => projector.stop())
  store.db.exec(`CREATE TEMP TABLE advances (position INTEGER);
    CREATE TEMP TRIGGER count_advances AFTER UPDATE ON projection_checkpoints WHEN new.name = 'audit-trail'
    BEGIN INSERT INTO advances VALUES (new.position); END`)
  const writes = await Promise.all(
    catalog.slice(0, 20).map((definition) =>
      ledger.execute(
        definition.id,
        { type: 'ReviseTarget', data: { changes: { weight: 2 }, effectiveFrom: '2023-07-01', reason: 'review', authority: 'congress' } },
        { actor: { id: 'admin', role: 'admin' }, correlationId: definition.id },
      ),
    ),
  )
  const last = writes.reduce((max, write) => (write.position > max ? write.position : max), 0n)
  t.equal(await projector.waitFor(last), true)
  const batches = count(store.db, 'advances')
  t.comment(`20 writes applied in ${batches} batch(es)`)
  t.ok(batches < writes.length, 'fewer transactions than writes')
  t.equal(count(store.db, 'audit_trail'), catalog.length + 20)
})

t.test('rebuild replays only the projections named, reporting progress after each batch', async (t) => {
  const { store } = openTestLedger(t, { now: '2024-01-10T02:00:00.000Z' })
  await writeHistory(store, { events: 2_500 })
  await createProjector({ store, db: store.db }).rebuild()
  const head = await store.headPosition()
  const progress: bigint[] = []
  const { store: watched, reads } = observed(store)
  const result = await createProjector({ store: watched, db: store.db, batchSize: 1000 }).rebuild({
    only: ['audit-trail'],
    onProgress: ({ position, head: total, events }) => {
      t.equal(total, head)
      progress.push(position)
      t.ok(events > 0)
    },
  })
  t.same(result.rebuilt, ['audit-trail'])
  t.equal(progress.length, 3, 'three batches of up to 1000')
  t.equal(progress.at(-1), head)
  t.same(reads.map((read) => read.from), [0n])
  t.equal(count(store.db, 'audit_trail'), 2_500)
})

t.test('rebuild refuses unknown projections and a started projector', async (t) => {
  const { store } = openTestLedger(t)
  const projector = createProjector({ store, db: store.db })
  await t.rejects(projector.rebuild({ only: ['zone-rollups'] }), /unknown projection\(s\): zone-rollups/)
  await projector.start()
  t.teardown(() => projector.stop())
  await t.rejects(projector.rebuild(), /stop the projector before rebuilding/)
})

t.test('events outside target streams move the checkpoint and reach no projection', async (t) => {
  const { store } = openTestLedger(t)
  const projector = createProjector({ store, db: store.db })
  await projector.start()
  t.teardown(() => projector.stop())
  const { position } = await store.append('maintenance-1', [{ id: crypto.randomUUID(), type: 'Noted', data: {}, metadata: {} }], {
    expectedRevision: 'no_stream',
  })
  t.equal(await projector.waitFor(position), true)
  t.equal(count(store.db, 'audit_trail'), 0)
})

t.test('a malformed event in a target stream stops the projector loudly, before writing its batch', async (t) => {
  const { store, ledger } = openTestLedger(t)
  await seedCatalog(ledger, catalog)
  const { log, lines } = recordingLog()
  const projector = createProjector({ store, db: store.db, log })
  await projector.start()
  t.teardown(() => projector.stop())
  const before = projector.position()
  const { position } = await store.append(targetStreamId(target.id), [{ id: crypto.randomUUID(), type: 'ProgressReported', data: { value: 'x' }, metadata: {} }], {
    expectedRevision: 'any',
  })
  t.equal(await projector.waitFor(position, { timeoutMs: 2_000 }), false)
  t.match(projector.status(), { state: 'failed', position: before, error: /cannot be read/ })
  t.match(lines.at(-1), { level: 'error', msg: /projector stopped/ })
  t.equal(await projector.waitFor(position), false, 'later waits answer at once')
})

t.test('a checkpoint moved by another process is noticed: the read models end as a clean rebuild', async (t) => {
  const { store, ledger, file, dir } = openTestLedger(t)
  await seedCatalog(ledger, catalog)
  const { log, lines } = recordingLog()
  const server = createProjector({ store, db: store.db, log })
  await server.start()
  t.teardown(() => server.stop())

  // Another process on the same file appends an event the server has not seen yet, then runs
  // `target-ledger rebuild`: the checkpoints on disk end past the server's.
  const other = openSqliteEventStore({ file })
  const otherLedger = createTargetLedger({ store: other, clock: fixedClock(midYear), timeZone: 'Asia/Shanghai' })
  await report(otherLedger, 'r1', 5)
  await createProjector({ store: other, db: other.db }).rebuild()
  await other.close()

  const written = await report(ledger, 'r2', 6)
  t.equal(await server.waitFor(written.position, { timeoutMs: 2_000 }), true)
  t.match(lines.filter((line) => line.level === 'warn'), [{ msg: /checkpoint moved/ }])

  const clean = openSqliteDatabase(`${dir}/clean.db`)
  t.teardown(() => clean.close())
  await createProjector({ store, db: clean }).rebuild()
  t.strictSame(readModelRows(store.db), readModelRows(clean))
  t.equal(count(store.db, 'target_summary_reports'), 2, 'both reports, each once')
})

t.test('a report rewrites its target’s small head row, not the definition and revisions', async (t) => {
  const { store, ledger } = openTestLedger(t)
  await seedCatalog(ledger, [target])
  const projector = createProjector({ store, db: store.db })
  await projector.start()
  t.teardown(() => projector.stop())
  store.db.exec(`CREATE TEMP TABLE definition_writes (n INTEGER);
    CREATE TEMP TRIGGER definition_updated AFTER UPDATE ON target_summary_definitions BEGIN INSERT INTO definition_writes VALUES (1); END`)
  const written = () => count(store.db, 'definition_writes')
  for (let i = 1; i <= 3; i += 1) t.ok(await projector.waitFor((await report(ledger, `r${i}`, i)).position))
  t.equal(written(), 0, 'three reports: the definition row untouched')
  const admin = { id: 'admin-1', role: 'admin' } as const
  const revised = await ledger.execute(
    target.id,
    { type: 'ReviseTarget', data: { changes: { goal: 50 }, reason: '年中调整', authority: '区人大常委会决议' } },
    { actor: admin, correlationId: 'rev' },
  )
  t.ok(await projector.waitFor(revised.position))
  t.equal(written(), 1, 'a revision writes it')
})

t.test('report ids sharing a hash: each correction and verdict reaches its own report, from an index built live or loaded', async (t) => {
  const { store, ledger, dir } = openTestLedger(t)
  await seedCatalog(ledger, [target])
  // The same 32-bit hash (report-id-index.test.ts checks it): the row read must be told apart by its id.
  const [first, second] = ['f2a868685cb5', 'f6de4e25817c']
  const live = createProjector({ store, db: store.db })
  await live.start()
  await report(ledger, first, 5)
  await report(ledger, second, 6)
  const corrected = await ledger.execute(
    target.id,
    { type: 'CorrectReport', data: { reportId: second, value: 7, reason: '更正统计口径' } },
    { actor: agency, correlationId: 'c' },
  )
  t.ok(await live.waitFor(corrected.position), 'corrected through the index the live projector built from its own commits')
  await live.stop()

  await ledger.execute(target.id, { type: 'AcceptReport', data: { reportId: first } }, { actor: { id: 'auditor-1', role: 'auditor' }, correlationId: 'a' })
  const restarted = createProjector({ store, db: store.db })
  await restarted.start()
  t.teardown(() => restarted.stop())
  const rows = store.db.prepare('SELECT report_id, value, verification FROM target_summary_reports ORDER BY seq').all()
  t.strictSame(
    rows,
    [
      { report_id: first, value: 5, verification: 'accepted' },
      { report_id: second, value: 7, verification: 'pending' },
    ],
    'accepted through the index the restarted projector loaded from the rows',
  )
  const clean = openSqliteDatabase(`${dir}/clean.db`)
  t.teardown(() => clean.close())
  await createProjector({ store, db: clean }).rebuild()
  t.strictSame(readModelRows(store.db), readModelRows(clean), 'as a clean rebuild')
})

t.test('a ProgressReported repeating a committed report id leaves the first report as it was', async (t) => {
  // The ledger refuses a taken id; a log may still hold one (written by another tool, or before that rule).
  const { store } = openTestLedger(t)
  const at = (n: number) => ({ actor: { id: agency.id, role: agency.role }, recordedAt: `2023-07-0${n}T02:00:00.000Z`, correlationId: `c${n}`, schemaVersion: 1 })
  const events: GeneratedEvent[] = [
    { type: 'TargetDefined', data: target as unknown as Json, metadata: { ...at(1), actor: { id: 'admin-1', role: 'admin' } } },
    { type: 'ProgressReported', data: { reportId: 'r1', asOf: '2023-06-30', value: 5 }, metadata: at(2) },
    { type: 'ProgressReported', data: { reportId: 'r2', asOf: '2023-06-30', value: 6 }, metadata: at(3) },
    { type: 'ProgressReported', data: { reportId: 'r1', asOf: '2023-07-01', value: 9 }, metadata: at(4) },
  ]
  await generateLedger(store, [{ streamId: targetStreamId(target.id), next: (revision) => events[Number(revision)]! }], events.length)
  // One event per batch: the repeat is looked up among committed rows, not the batch's own.
  await createProjector({ store, db: store.db, batchSize: 1 }).rebuild()
  t.strictSame(store.db.prepare('SELECT report_id, as_of, value FROM target_summary_reports ORDER BY seq').all(), [
    { report_id: 'r1', as_of: '2023-06-30', value: 5 },
    { report_id: 'r2', as_of: '2023-06-30', value: 6 },
  ])
})
