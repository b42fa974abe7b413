// Verifying a long log: events/s and peak RSS of `verifyLedger` over 1,000,000 hash-chained events.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { openSqliteEventStore, type SqliteEventStore } from '../src/store/sqlite-event-store.js'
import { runJsonChild } from './bench-process.js'
import { generateLedger, type GeneratedEvent, type StreamGenerator } from './ledger-generator.js'

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

/** `streams` streams of ProgressReported events, as many as `events` in all. */
function generate(store: SqliteEventStore, events: number, streams: number): Promise<void> {
  const generators = Array.from({ length: streams }, (_, s): StreamGenerator => {
    const streamId = `target-bench-${String(s).padStart(3, '0')}`
    return { streamId, next: (revision) => progressReported(streamId, revision) }
  })
  return generateLedger(store, generators, events)
}

/** About the size of a real ProgressReported event with its metadata (~0.7 kB). */
function progressReported(streamId: string, revision: bigint): GeneratedEvent {
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
    },
  }
}

function verifyInChild(file: string): Promise<VerifyChildResult> {
  return runJsonChild<VerifyChildResult>(import.meta.url, 'verify-bench-child', [file])
}
