// The projector benchmark at a small size, so `npm run bench` cannot rot unnoticed.
import t from 'tap'
import { runProjectorBench } from '../../bench/projector-bench.js'
import { tempDir } from '../helpers/app.js'

// Three child processes loading TypeScript and two apps: tens of seconds on a busy 2-core machine.
t.setTimeout(240_000)

t.test('generates both ledgers, measures scan, rebuild and GET /v1/zones, and reuses a kept directory', async (t) => {
  const dir = tempDir(t)
  const lines: string[] = []
  const options = { events: 3_000, fewEvents: 400, requests: 8, dir, print: (line: string) => lines.push(line) }
  const first = await runProjectorBench(options)
  t.match(first, { events: 3_000, zones: { longMedianMs: Number, shortMedianMs: Number } })
  t.ok(first.generationSeconds > 0 && first.raw.eventsPerSecond > 0 && first.rebuild.eventsPerSecond > 0 && first.rebuild.maxRss > 0)
  t.equal(first.ratio, first.rebuild.eventsPerSecond / first.raw.eventsPerSecond)
  t.match(
    lines.join('\n'),
    /generating 3,000 events for the report's 80 targets[\s\S]*raw scan[\s\S]*projector rebuild: 3,000 events in [\d.]+ s: [\d,]+ events\/s[\s\S]*peak RSS \d+ MB[\s\S]*GET \/v1\/zones median: [\d.]+ ms over 3,000 events, [\d.]+ ms over 400/,
  )
  lines.length = 0
  const again = await runProjectorBench(options)
  t.match(again, { events: 3_000, generationSeconds: 0 })
  t.match(lines[0], /reusing 3,000 events/)
  await t.rejects(runProjectorBench({ ...options, events: 4_000, print: () => {} }), /holds 3000 events, not 4000/)
})
