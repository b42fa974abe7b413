// Durable append throughput of the SQLite event store, measured against a bare better-sqlite3 commit loop on the same disk.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { EventToAppend, ExpectedRevision } from '../src/store/event-store.js'
import { openSqliteDatabase, type SqliteDatabase } from '../src/store/sqlite-database.js'
import {
  EVENT_STORE_SCHEMA,
  eventStoreMigrations,
  openSqliteEventStore,
  type SqliteEventStore,
} from '../src/store/sqlite-event-store.js'
import { runMigrations } from '../src/store/sqlite-migrations.js'

export interface StoreBenchOptions {
  /** Total time given to each of the three measurements. Default 6000. */
  durationMs?: number
  /**
   * The measurements take turns in this many slices: fsync latency on shared or virtual disks drifts
   * by several times within seconds, and interleaving exposes all three to the same drift. Default 3.
   */
  rounds?: number
  /** Appenders of the concurrent measurement, one stream each. Default 64. */
  concurrency?: number
  /** Where the database files go; fsync cost depends on it. Default the OS temp dir. */
  dir?: string
  print?: (line: string) => void
}

export interface Throughput {
  appends: number
  seconds: number
  perSecond: number
}

export interface StoreBenchResult {
  raw: Throughput
  sequential: Throughput
  concurrent: Throughput & { appendsPerCommit: number }
  sequentialOverRaw: number
  concurrentOverRaw: number
}

/** The goal for group commit: concurrent appends at least this many times the one-commit-per-insert rate. */
export const CONCURRENT_OVER_RAW_GOAL = 5

interface Measurement {
  /** Appends done in about `ms` milliseconds. */
  run(ms: number): Promise<number>
  appends: number
  seconds: number
}

export async function runStoreBench(options: StoreBenchOptions = {}): Promise<StoreBenchResult> {
  const durationMs = options.durationMs ?? 6000
  const rounds = options.rounds ?? 3
  const concurrency = options.concurrency ?? 64
  const print = options.print ?? ((line: string) => console.log(line))
  const dir = mkdtempSync(join(options.dir ?? tmpdir(), 'target-ledger-bench-'))
  const rawDb = openSqliteDatabase(join(dir, 'raw.db'))
  let commits = 0
  const sequentialStore = openSqliteEventStore({ file: join(dir, 'sequential.db') })
  const concurrentStore = openSqliteEventStore({ file: join(dir, 'concurrent.db'), onBatchCommitted: () => (commits += 1) })
  try {
    print(
      `store bench: single-event durable appends in WAL (raw: synchronous=FULL, an fsync in every COMMIT; store: group commit, ` +
        `acknowledged after an fdatasync of the WAL), ${durationMs} ms each in ${rounds} interleaved rounds, in ${dir}`,
    )
    const raw = measurement(rawCommitLoop(rawDb))
    const sequential = measurement(sequentialAppends(sequentialStore))
    const concurrent = measurement(concurrentAppends(concurrentStore, concurrency))
    for (let round = 0; round < rounds; round += 1) {
      for (const each of [raw, sequential, concurrent]) await each.run(durationMs / rounds)
    }

    const result: StoreBenchResult = {
      raw: throughput(raw),
      sequential: throughput(sequential),
      concurrent: { ...throughput(concurrent), appendsPerCommit: concurrent.appends / commits },
      sequentialOverRaw: throughput(sequential).perSecond / throughput(raw).perSecond,
      concurrentOverRaw: throughput(concurrent).perSecond / throughput(raw).perSecond,
    }
    print(`  raw better-sqlite3, one insert per commit  ${format(result.raw)}`)
    print(`  store, one awaited append at a time        ${format(result.sequential)}  ${result.sequentialOverRaw.toFixed(2)}× raw`)
    print(
      `  store, ${concurrency} concurrent appenders           ${format(result.concurrent)}  ${result.concurrentOverRaw.toFixed(2)}× raw, ${result.concurrent.appendsPerCommit.toFixed(1)} appends per commit`,
    )
    print(
      `  group commit gain ${result.concurrentOverRaw.toFixed(1)}× raw: goal ≥ ${CONCURRENT_OVER_RAW_GOAL}× ${result.concurrentOverRaw >= CONCURRENT_OVER_RAW_GOAL ? 'met' : 'NOT MET'}`,
    )
    return result
  } finally {
    rawDb.close()
    await sequentialStore.close()
    await concurrentStore.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

function measurement(run: (until: number) => Promise<number>): Measurement {
  const measured: Measurement = {
    appends: 0,
    seconds: 0,
    async run(ms) {
      const started = performance.now()
      const appends = await run(started + ms)
      measured.appends += appends
      measured.seconds += (performance.now() - started) / 1000
      return appends
    },
  }
  return measured
}

/** The baseline: what SQLite alone does when every insert is its own durable transaction, same table, same rows. */
function rawCommitLoop(db: SqliteDatabase): (until: number) => Promise<number> {
  runMigrations(db, EVENT_STORE_SCHEMA, eventStoreMigrations)
  const insert = db.prepare<[string, string, number, string, string, string]>(
    'INSERT INTO events (event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  )
  const commitOne = db.transaction((revision: number) => {
    const event = progressReported()
    insert.run(event.id, 'target-raw', revision, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata))
  })
  let revision = 0
  return async (until) => {
    let appends = 0
    while (performance.now() < until) {
      commitOne.immediate(revision)
      revision += 1
      appends += 1
    }
    return appends
  }
}

function sequentialAppends(store: SqliteEventStore): (until: number) => Promise<number> {
  let expected: ExpectedRevision = 'no_stream'
  return async (until) => {
    let appends = 0
    while (performance.now() < until) {
      expected = (await store.append('target-sequential', [progressReported()], { expectedRevision: expected })).nextRevision
      appends += 1
    }
    return appends
  }
}

function concurrentAppends(store: SqliteEventStore, concurrency: number): (until: number) => Promise<number> {
  const expected = Array.from({ length: concurrency }, (): ExpectedRevision => 'no_stream')
  return async (until) => {
    let appends = 0
    await Promise.all(
      expected.map(async (_, appender) => {
        while (performance.now() < until) {
          const streamId = `target-concurrent-${appender}`
          const result = await store.append(streamId, [progressReported()], { expectedRevision: expected[appender]! })
          expected[appender] = result.nextRevision
          appends += 1
        }
      }),
    )
    return appends
  }
}

/** About the size of a real ProgressReported event with its hash-chained metadata (~0.8 kB). */
function progressReported(): EventToAppend {
  return {
    id: randomUUID(),
    type: 'ProgressReported',
    data: {
      targetId: 'west-coast-forest-tending',
      reportId: randomUUID(),
      asOf: '2023-06-30',
      value: 6200,
      unit: '亩',
      note: '实施森林抚育10000亩，上半年完成六成以上',
      evidence: [{ title: '区自然资源局月报', url: 'https://example.org/reports/2023-06.pdf' }],
    },
    metadata: {
      actor: { id: 'agency-natural-resources', role: 'agency' },
      recordedAt: '2023-07-03T09:12:45.000Z',
      correlationId: randomUUID(),
      schemaVersion: 1,
      prevHash: 'a'.repeat(64),
      hash: 'b'.repeat(64),
    },
  }
}

function throughput({ appends, seconds }: Measurement): Throughput {
  return { appends, seconds, perSecond: appends / seconds }
}

function format({ perSecond }: Throughput): string {
  return `${Math.round(perSecond).toLocaleString('en-US').padStart(8)} appends/s`
}
