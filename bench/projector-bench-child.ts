// Run by projector-bench.ts in a process of its own: `raw <file>` scans the events table and parses
// every event; `rebuild <file>` rebuilds every projection into the same file, as `target-ledger
// rebuild` does in embedded mode; `floor <file>`, after a rebuild, writes the rebuild's report rows
// again from memory into a scratch copy of their table (same columns, same indexes, as many commits),
// timing only the writes: what writing those rows costs with no projection code at all. Prints its
// figures as JSON.
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { targetSummarySql } from '../projections/target-summary-sql.js'
import { createProjector } from '../src/projector/projector.js'
import { openSqliteEventStore } from '../src/store/sqlite-event-store.js'
import { peakRss } from './bench-process.js'
import type { ProjectorChildMode, ProjectorChildResult } from './projector-bench.js'

const [mode, file, chunkRows] = process.argv.slice(2) as [ProjectorChildMode | undefined, string | undefined, string | undefined]
if (file === undefined || (mode !== 'raw' && mode !== 'rebuild' && mode !== 'floor')) {
  throw new Error('usage: projector-bench-child raw|rebuild|floor <ledger file> [floor rows held at a time]')
}

/** The rebuild's events per transaction (the projector's default batch). */
const EVENTS_PER_COMMIT = 1000
/** Report rows held in memory at a time while the floor copies them. */
const FLOOR_CHUNK_ROWS = chunkRows === undefined ? 50_000 : Number(chunkRows)

let sampled = process.memoryUsage.rss()
let events = 0
let rows: number | undefined
const started = performance.now()
const cpuStarted = process.cpuUsage()
let floorSeconds = 0
let floorCpu = { user: 0, system: 0 }
if (mode === 'floor') {
  // The connection as the rebuild has it (the store's pragmas), and its commits' relaxed sync.
  const store = openSqliteEventStore({ file })
  const { db } = store
  try {
    db.pragma('synchronous = NORMAL')
    events = Number(db.prepare('SELECT count(*) FROM events').pluck().get())
    rows = Number(db.prepare('SELECT count(*) FROM target_summary_reports').pluck().get())
    const scratch = 'bench_floor_reports'
    const ddl = targetSummarySql.schema
      .filter((statement) => statement.includes('target_summary_reports'))
      .map((statement) => statement.replaceAll('target_summary_reports', scratch))
    db.exec(`DROP TABLE IF EXISTS ${scratch}`)
    for (const statement of ddl) db.exec(statement)
    const names = db.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').pluck().all('target_summary_reports') as string[]
    const columns = names.join(', ')
    const seqAt = names.indexOf('seq')
    const read = db.prepare(`SELECT ${columns} FROM target_summary_reports WHERE seq > ? ORDER BY seq LIMIT ${FLOOR_CHUNK_ROWS}`).raw(true).safeIntegers(true)
    const insert = db.prepare(`INSERT INTO ${scratch} (${columns}) VALUES (${columns.split(', ').map(() => '?').join(', ')})`)
    // As many commits as the rebuild made: its rows per commit, on average.
    const perCommit = Math.max(1, Math.round(rows / Math.ceil(events / EVENTS_PER_COMMIT)))
    const commit = db.transaction((slice: unknown[][]) => {
      for (const row of slice) insert.run(row)
    })
    let after = -1n
    let written = 0
    for (;;) {
      const chunk = read.all(after) as unknown[][]
      if (chunk.length === 0) break
      after = chunk.at(-1)![seqAt] as bigint
      sampled = Math.max(sampled, process.memoryUsage.rss())
      const t0 = performance.now()
      const c0 = process.cpuUsage()
      for (let i = 0; i < chunk.length; i += perCommit) commit.immediate(chunk.slice(i, i + perCommit))
      written += chunk.length
      floorSeconds += (performance.now() - t0) / 1000
      const c = process.cpuUsage(c0)
      floorCpu = { user: floorCpu.user + c.user, system: floorCpu.system + c.system }
    }
    db.exec(`DROP TABLE ${scratch}`)
    if (written !== rows) throw new Error(`the floor wrote ${written} rows, not the ${rows} of the rebuild`)
  } finally {
    await store.close()
  }
} else if (mode === 'raw') {
  const db = new Database(file, { readonly: true })
  try {
    // What any reader of the log pays at least: every row, its JSON parsed.
    for (const row of db.prepare('SELECT * FROM events ORDER BY position').safeIntegers(true).iterate() as Iterable<{ data: string; metadata: string }>) {
      JSON.parse(row.data)
      JSON.parse(row.metadata)
      events += 1
    }
  } finally {
    db.close()
  }
} else {
  const store = openSqliteEventStore({ file })
  try {
    const result = await createProjector({ store, db: store.db }).rebuild({
      onProgress: () => {
        sampled = Math.max(sampled, process.memoryUsage.rss())
      },
    })
    events = result.events
  } finally {
    await store.close()
  }
}
const cpu = mode === 'floor' ? floorCpu : process.cpuUsage(cpuStarted)
const result: ProjectorChildResult = {
  mode,
  events,
  ...(rows === undefined ? {} : { rows }),
  seconds: mode === 'floor' ? floorSeconds : (performance.now() - started) / 1000,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  maxRss: peakRss(Math.max(sampled, process.memoryUsage.rss())),
}
console.log(JSON.stringify(result))
