// The HTTP benchmark at a small size, so `npm run bench` cannot rot unnoticed: its three servers start,
// take load, and every 2xx of the durable one is a report in its file.
import t from 'tap'
import { runHttpBench } from '../../bench/http-bench.js'
import { tempDir } from '../helpers/app.js'

// Three servers in processes of their own, two of them loading TypeScript: tens of seconds on a busy machine.
t.setTimeout(240_000)

t.test('measures bare, store floor and durable servers and reports their figures', async (t) => {
  const lines: string[] = []
  const result = await runHttpBench({ durationMs: 1_000, rounds: 1, warmupMs: 300, connections: 4, dir: tempDir(t), print: (line) => lines.push(line) })
  for (const figures of [result.bare, result.storeFloor, result.durable]) {
    t.ok(figures.requests > 0 && figures.perSecond > 0 && figures.p99Ms >= figures.p50Ms, JSON.stringify(figures))
    t.same(figures.non2xx, {})
  }
  t.equal(result.floorOverBare, result.storeFloor.perSecond / result.bare.perSecond)
  t.equal(result.durableOverBare, result.durable.perSecond / result.bare.perSecond)
  // The durable runs' 2xx, warm-up's included, are all in the file: at least the measured ones.
  t.ok(result.eventsStored >= result.durable.requests, `${result.eventsStored} stored, ${result.durable.requests} measured`)
  t.match(lines.join('\n'), /\(a\) bare route[\s\S]*\(c\) store floor[\s\S]*\(b\) durable[\s\S]*store floor ÷ bare [\d.]+[\s\S]*durable ÷ bare [\d.]+/)
})
