// The verify benchmark at a small size, so `npm run bench` cannot rot unnoticed.
import { join } from 'node:path'
import t from 'tap'
import { runVerifyBench } from '../../bench/verify-bench.js'
import { tempDir } from '../helpers/app.js'

t.test('generates a chained log, verifies it in a child process, and reuses a kept file', async (t) => {
  const file = join(tempDir(t), 'bench.db')
  const lines: string[] = []
  const first = await runVerifyBench({ events: 2000, streams: 8, file, print: (line) => lines.push(line) })
  t.match(first, { ok: true, events: 2000, streams: 8 })
  t.ok(first.eventsPerSecond > 0 && first.maxRss > 0 && first.generationSeconds > 0)
  t.match(lines.join('\n'), /generating 2,000 hash-chained events[\s\S]*2,000 events, 8 streams, ok=true[\s\S]*events\/s, peak RSS \d+ MB/)
  lines.length = 0
  const again = await runVerifyBench({ events: 2000, streams: 8, file, print: (line) => lines.push(line) })
  t.match(again, { ok: true, events: 2000, generationSeconds: 0 })
  t.match(lines[0], /reusing 2,000 events/)
  await t.rejects(runVerifyBench({ events: 3000, file, print: () => {} }), /holds 2000 events, not 3000/)
})
