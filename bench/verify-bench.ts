// Verifying a long log: events/s and peak RSS of `verifyLedger` over 1,000,000 hash-chained events.
import { spawn } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { genesisHash, hashEvent } from '../src/ledger/event-hash.js'
import type { EventToAppend, Json } from '../src/store/event-store.js'
import { openSqliteEventStore, type SqliteEventStore } from '../src/store/sqlite-event-store.js'

export interface VerifyBenchOptions {
  /** Default 1,000,000. */
  events?: number
  /** Streams the events are spread over. Default 80, about the report's catalog. */
  streams?: number
  /**
   * A ledger file to reuse: generated there on the first run (and kept), verified as is on later
   * runs. Default: a temporary file, removed afterwards.
   */
  file?: string
  print?: (line: string) => void
}

export interface VerifyChildResult {
  ok: boolean
  events: number
  streams: number
  seconds: number
  /** Peak resident set size of the verifying process, in bytes. */
  maxRss: number
}

export interface VerifyBenchResult extends VerifyChildResult {
  eventsPerSecond: number
  /** Seconds spent generating the log; 0 when a file was reused. */
  generationSeconds: number
}

/** The goal of the audit issue: verifying a million events stays under this peak RSS. */
export const PEAK_RSS_GOAL_BYTES = 200 * 1024 * 1024

/** Events per append; every stream gets one append per round, so a round is one group commit. */
const batchSize = 125

export async function runVerifyBench(options: VerifyBenchOptions = {}): Promise<VerifyBenchResult> {
  const events = options.events ?? 1_000_000
  const streams = options.streams ?? 80
  const print = options.print ?? ((line: string) => console.log(line))
  const tempDir = options.file === undefined ? mkdtempSync(join(tmpdir(), 'target-ledger-verify-bench-')) : undefined
  const file = options.file ?? join(tempDir!, 'ledger.db')
  try {
    let generationSeconds = 0
    const store = openSqliteEventStore({ file })
    try {
      const head = await store.headPosition()
      if (head === 0n) {
        print(`verify bench: generating ${events.toLocaleString('en-US')} hash-chained events over ${streams} streams in ${file}`)
        const started = performance.now()
        await generate(store, events, streams)
        generationSeconds = (performance.now() - started) / 1000
        print(`  generated in ${generationSeconds.toFixed(1)} s (${Math.round(events / generationSeconds).toLocaleString('en-US')} events/s)`)
      } else if (head === BigInt(events)) {
        print(`verify bench: reusing ${events.toLocaleString('en-US')} events in ${file}`)
      } else {
        throw new Error(`${file} holds ${head} events, not ${events}: remove it to generate a new one`)
      }
    } finally {
      await store.close()
    }

    // A fresh process, so the peak RSS is the verification's alone, not the generator's garbage.
    const child = await verifyInChild(file)
    const result: VerifyBenchResult = { ...child, eventsPerSecond: child.events / child.seconds, generationSeconds }
    const mb = result.maxRss / 1024 / 1024
    print(
      `  verifyLedger: ${result.events.toLocaleString('en-US')} events, ${result.streams} streams, ok=${result.ok} in ${result.seconds.toFixed(1)} s: ` +
        `${Math.round(result.eventsPerSecond).toLocaleString('en-US')} events/s, peak RSS ${mb.toFixed(0)} MB ` +
        `(goal < ${PEAK_RSS_GOAL_BYTES / 1024 / 1024} MB ${result.maxRss < PEAK_RSS_GOAL_BYTES ? 'met' : 'NOT MET'})`,
    )
    return result
  } finally {
    if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true })
  }
}

/**
 * Rounds of one append of `batchSize` events per stream, all committed together; hashes chained per
 * stream. Ascending event ids and a large page cache keep the unique index on event ids from turning
 * every insert into random I/O once the file outgrows SQLite's default 2 MB cache; a fixture needs
 * no fsync.
 */
async function generate(store: SqliteEventStore, events: number, streams: number): Promise<void> {
  store.db.pragma('cache_size = -262144')
  store.db.pragma('synchronous = OFF')
  const run = randomBytes(6).toString('hex')
  let sequence = 0
  const nextId = (): string => {
    const counter = (sequence++).toString(16).padStart(12, '0')
    return `${counter.slice(0, 8)}-${counter.slice(8)}-4000-8000-${run}`
  }
  const heads = Array.from({ length: streams }, () => ({ revision: -1n, hash: genesisHash }))
  let remaining = events
  while (remaining > 0) {
    const appends: Promise<unknown>[] = []
    for (let s = 0; s < streams && remaining > 0; s++) {
      const count = Math.min(batchSize, remaining)
      remaining -= count
      const streamId = `target-bench-${String(s).padStart(3, '0')}`
      const head = heads[s]!
      const batch: EventToAppend[] = []
      for (let i = 0; i < count; i++) {
        const revision = head.revision + 1n
        const { type, data, metadata } = progressReported(streamId, revision, head.hash)
        const hash = hashEvent(head.hash, { streamId, revision, type, data, metadata })
        batch.push({ id: nextId(), type, data, metadata: { ...metadata, hash } })
        head.revision = revision
        head.hash = hash
      }
      appends.push(store.append(streamId, batch, { expectedRevision: 'any' }))
    }
    await Promise.all(appends)
  }
}

/** About the size of a real ProgressReported event with its metadata (~0.7 kB). */
function progressReported(streamId: string, revision: bigint, prevHash: string): { type: string; data: Json; metadata: { [key: string]: Json } } {
  return {
    type: 'ProgressReported',
    data: {
      reportId: `${streamId}-${revision}`,
      asOf: '2023-06-30',
      value: Number(revision % 1000n),
      note: '实施森林抚育10000亩，上半年完成六成以上',
      evidence: [{ title: '区自然资源局月报', url: 'https://example.org/reports/2023-06.pdf' }],
    },
    metadata: {
      actor: { id: 'agency-district', role: 'agency' },
      recordedAt: '2023-07-03T09:12:45.000Z',
      correlationId: randomUUID(),
      idempotencyKey: randomUUID(),
      schemaVersion: 1,
      prevHash,
    },
  }
}

async function verifyInChild(file: string): Promise<VerifyChildResult> {
  // The child's source sits beside this file: .ts when run from the sources, .js from dist/.
  const script = fileURLToPath(new URL(`./verify-bench-child${extname(fileURLToPath(import.meta.url))}`, import.meta.url))
  if (!existsSync(script)) throw new Error(`${script} is missing`)
  const child = spawn(process.execPath, [...loaderFlags(process.execArgv), script, file], { stdio: ['ignore', 'pipe', 'inherit'] })
  let stdout = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  const [code] = (await once(child, 'exit')) as [number | null]
  if (code !== 0) throw new Error(`the verifying process exited with ${code}`)
  return JSON.parse(stdout) as VerifyChildResult
}

/** This process's node flags (a TypeScript loader, say) without a script given by -e / -p, which the child would run instead. */
function loaderFlags(execArgv: readonly string[]): string[] {
  const flags: string[] = []
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i]!
    if (['-e', '--eval', '-p', '--print'].includes(flag)) i += 1
    else if (!/^--(eval|print)=/.test(flag)) flags.push(flag)
  }
  return flags
}
