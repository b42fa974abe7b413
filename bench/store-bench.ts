// Durable append throughput of the SQLite event store, measured against a bare better-sqlite3 commit loop on the same disk.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { EventToAppend, ExpectedRevision } from '../src/store/event-store.js'
import { openSqliteDatabase } from '../src/store/sqlite-database.js'
import {
  EVENT_STORE_SCHEMA,
  eventStoreMigrations,
  openSqliteEventStore,
  type SqliteEventStore,
} from '../src/store/sqlite-event-store.js'
import { runMigrations } from '../src/store/sqlite-migrations.js'

export interface StoreBenchOptions {
  /** Length of each of the three runs. Default 5000. */
  durationMs?: number
  /** Appenders of the concurrent run, one stream each. Default 64. */
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

export async function runStoreBench(options: StoreBenchOptions = {}): Promise<StoreBenchResult> {
  const durationMs = options.durationMs ?? 5000
  const concurrency = options.concurrency ?? 64
  const print = options.print ?? ((line: string) => console.log(line))
  const dir = mkdtempSync(join(options.dir ?? tmpdir(), 'target-ledger-bench-'))
  try {
    print(`store bench: single-event durable appends, WAL + synchronous=FULL, ${durationMs} ms per run, in ${dir}`)
    const raw = rawCommitLoop(join(dir, 'raw.db'), durationMs)
    print(`  raw better-sqlite3, one insert per commit   ${format(raw)}`)

    const sequential = await withStore(join(dir, 'sequential.db'), (store) => sequentialAppends(store, durationMs))
    print(`  store, one awaited append at a time         ${format(sequential)}  ${ratio(sequential, raw).toFixed(2)}× raw`)

    let commits = 0
    const concurrent = await withStore(
      join(dir, 'concurrent.db'),
      (store) => concurrentAppends(store, concurrency, durationMs),
      () => (commits += 1),
    )
    const appendsPerCommit = concurrent.appends / commits
    print(
      `  store, ${concurrency} concurrent appenders            ${format(concurrent)}  ${ratio(concurrent, raw).toFixed(2)}× raw, ${appendsPerCommit.toFixed(1)} appends per commit`,
    )
    const concurrentOverRaw = ratio(concurrent, raw)
    print(
      `  group commit gain: ${concurrentOverRaw.toFixed(1)}× (goal ≥ ${CONCURRENT_OVER_RAW_GOAL}×) ${concurrentOverRaw >= CONCURRENT_OVER_RAW_GOAL ? 'met' : 'NOT MET'}`,
    )
    return {
      raw,
      sequential,
      concurrent: { ...concurrent, appendsPerCommit },
      sequentialOverRaw: ratio(sequential, raw),
      concurrentOverRaw,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function withStore(
  file: string,
  run: (store: SqliteEventStore) => Promise<Throughput>,
  onCommit?: () => void,
): Promise<Throughput> {
  const store = openSqliteEventStore({ file, onBatchCommitted: onCommit })
  try {
    return await run(store)
  } finally {
    await store.close()
  }
}

/** The baseline: what SQLite alone does when every insert is its own durable transaction. */
function rawCommitLoop(file: string, durationMs: number): Throughput {
  const db = openSqliteDatabase(file)
  try {
    runMigrations(db, EVENT_STORE_SCHEMA, eventStoreMigrations)
    const insert = db.prepare<[string, string, number, string, string, string]>(
      'INSERT INTO events (event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    )
    const commitOne = db.transaction((revision: number) => {
      const event = progressReported()
      insert.run(event.id, 'target-raw', revision, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata))
    })
    const started = performance.now()
    let appends = 0
    while (performance.now() - started < durationMs) {
      commitOne.immediate(appends)
      appends += 1
    }
    return throughput(appends, started)
  } finally {
    db.close()
  }
}

async function sequentialAppends(store: SqliteEventStore, durationMs: number): Promise<Throughput> {
  const started = performance.now()
  let expected: ExpectedRevision = 'no_stream'
  let appends = 0
  while (performance.now() - started < durationMs) {
    expected = (await store.append('target-sequential', [progressReported()], { expectedRevision: expected })).nextRevision
    appends += 1
  }
  return throughput(appends, started)
}

async function concurrentAppends(store: SqliteEventStore, concurrency: number, durationMs: number): Promise<Throughput> {
  const started = performance.now()
  let appends = 0
  await Promise.all(
    Array.from({ length: concurrency }, async (_, appender) => {
      let expected: ExpectedRevision = 'no_stream'
      while (performance.now() - started < durationMs) {
        expected = (await store.append(`target-concurrent-${appender}`, [progressReported()], { expectedRevision: expected }))
          .nextRevision
        appends += 1
      }
    }),
  )
  return throughput(appends, started)
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

function throughput(appends: number, started: number): Throughput {
  const seconds = (performance.now() - started) / 1000
  return { appends, seconds, perSecond: appends / seconds }
}

function ratio(measured: Throughput, baseline: Throughput): number {
  return measured.perSecond / baseline.perSecond
}

function format({ perSecond }: Throughput): string {
  return `${Math.round(perSecond).toLocaleString('en-US').padStart(8)} appends/s`
}
