// Run by verify-bench.ts in a process of its own: verify the ledger file given, print figures as JSON.
import { performance } from 'node:perf_hooks'
import { verifyLedger } from '../src/ledger/ledger-verification.js'
import { openSqliteEventStore } from '../src/store/sqlite-event-store.js'
import { peakRss } from './bench-process.js'
import type { VerifyChildResult } from './verify-bench.js'

const file = process.argv[2]
if (file === undefined) throw new Error('usage: verify-bench-child <ledger file>')
const store = openSqliteEventStore({ file })
try {
  let sampled = process.memoryUsage.rss()
  let seen = 0
  const started = performance.now()
  const verification = await verifyLedger(store, {
    onEvent: () => {
      seen += 1
      if (seen % 10_000 === 0) sampled = Math.max(sampled, process.memoryUsage.rss())
    },
  })
  const seconds = (performance.now() - started) / 1000
  const result: VerifyChildResult = {
    ok: verification.ok,
    events: verification.events,
    streams: verification.streams,
    seconds,
    maxRss: peakRss(Math.max(sampled, process.memoryUsage.rss())),
  }
  console.log(JSON.stringify(result))
} finally {
  await store.close()
}
