// The projector benchmark at a small size, so `npm run bench` cannot rot unnoticed.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { runProjectorBench } from '../../bench/projector-bench.js'
import { tempDir } from '../helpers/app.js'

// Three child processes loading TypeScript and two apps: tens of seconds on a busy 2-core machine.
t.setTimeout(240_000)

t.test('generates both ledgers, measures scan, rebuild and GET /v1/zones, and reuses a kept directory', async (t) => {
  const dir = tempDir(t)
  const lines: string[] = []
  // The floor pages through the rows 500 at a time, so its paging runs (the child throws if it wrote fewer rows than there are).
  const options = { events: 3_000, fewEvents: 400, requests: 8, dir, floorChunkRows: 500, print: (line: string) => lines.push(line) }
  const first = await runProjectorBench(options)
  t.match(first, { events: 3_000, zones: { longMedianMs: Number, shortMedianMs: Number } })
  t.ok(first.generationSeconds > 0 && first.raw.eventsPerSecond > 0 && first.rebuild.eventsPerSecond > 0 && first.rebuild.maxRss > 0)
  t.equal(first.ratio, first.rebuild.eventsPerSecond / first.raw.eventsPerSecond)
  // The floor writes every report row of the rebuild again: one per ProgressReported in the log.
  const db = new Database(join(dir, 'long', 'ledger.db'), { readonly: true })
  const reported = db.prepare(`SELECT count(*) FROM events WHERE type = 'ProgressReported'`).pluck().get()
  db.close()
  t.equal(first.floor.rows, reported)
  t.ok(first.floor.seconds > 0 && first.floor.bestRatio > 0 && first.floor.bestRatio < 1, `floor: ${JSON.stringify(first.floor)}`)
  t.match(
    lines.join('\n'),
    /generating 3,000 events for the report's 80 targets[\s\S]*raw scan[\s\S]*projector rebuild: 3,000 events in [\d.]+ s: [\d,]+ events\/s[\s\S]*peak RSS \d+ MB[\s\S]*write floor: the rebuild's [\d,]+ report rows[\s\S]*at best \d+% of raw[\s\S]*GET \/v1\/zones median: [\d.]+ ms over 3,000 events, [\d.]+ ms over 400/,
  )
  lines.length = 0
  const again = await runProjectorBench(options)
  t.match(again, { events: 3_000, generationSeconds: 0 })
  t.match(lines[0], /reusing 3,000 events/)
  await t.rejects(runProjectorBench({ ...options, events: 4_000, print: () => {} }), /holds 3000 events, not 4000/)
})
