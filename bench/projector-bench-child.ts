// Run by projector-bench.ts in a process of its own: `raw <file>` scans the events table and parses
// every event; `rebuild <file>` rebuilds every projection into the same file, as `target-ledger
// rebuild` does in embedded mode. Prints its figures as JSON.
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { createProjector } from '../src/projector/projector.js'
import { openSqliteEventStore } from '../src/store/sqlite-event-store.js'
import { peakRss } from './bench-process.js'
import type { ProjectorChildMode, ProjectorChildResult } from './projector-bench.js'

const [mode, file] = process.argv.slice(2) as [ProjectorChildMode | undefined, string | undefined]
if (file === undefined || (mode !== 'raw' && mode !== 'rebuild')) throw new Error('usage: projector-bench-child raw|rebuild <ledger file>')

let sampled = process.memoryUsage.rss()
let events = 0
const started = performance.now()
const cpuStarted = process.cpuUsage()
if (mode === 'raw') {
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
const seconds = (performance.now() - started) / 1000
const cpu = process.cpuUsage(cpuStarted)
const result: ProjectorChildResult = {
  mode,
  events,
  seconds,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  maxRss: peakRss(Math.max(sampled, process.memoryUsage.rss())),
}
console.log(JSON.stringify(result))
