// Durable report POSTs over HTTP against the HTTP ceiling, both measured with autocannon in the same run.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import autocannon from 'autocannon'
import Database from 'better-sqlite3'
import type { TargetDefinition } from '../domain/target.js'
import { loadCatalog } from '../seeds/catalog-loader.js'
import { readDemoPrincipals } from '../src/http/principals.js'
import { nodeArgsFor, startServe, stop } from './bench-process.js'

export interface HttpBenchOptions {
  /** Total time given to each of the two measurements. Default 10000. */
  durationMs?: number
  /** The measurements take turns in this many slices, so both meet the same drift of fsync latency and machine load. Default 2. */
  rounds?: number
  /** Unmeasured load on each server before the first round (JIT, caches). Default 2000. */
  warmupMs?: number
  connections?: number
  /** Where the real server's data directory goes; fsync cost depends on it. Default the OS temp dir. */
  dir?: string
  /** Runs the real server with `--cpu-prof`, writing its profile here when it exits (`HTTP_BENCH_CPU_PROFILE=dir npm run bench`). */
  cpuProfileDir?: string
  print?: (line: string) => void
}

export interface Figures {
  requests: number
  seconds: number
  perSecond: number
  p50Ms: number
  p99Ms: number
  /** CPU time (user + system) the server process spent per response; NaN where /proc is not available. */
  serverCpuUsPerRequest: number
  /** Responses other than 2xx by `<status> <problem code>`, and requests that got no response. */
  non2xx: Record<string, number>
}

export interface HttpBenchResult {
  bare: Figures
  /** The bare route appending each body to the embedded event store, answering once durable; nothing else. */
  storeFloor: Figures
  durable: Figures
  durableOverBare: number
  /** storeFloor ÷ bare: the share of the ceiling left once every write is an fsynced append, before any of the ledger's work. */
  floorOverBare: number
  /** ProgressReported events in the server's file after it stopped: every 2xx of the durable runs, and the warm-up's. */
  eventsStored: number
}

/** The goals of issue #7 at 64 connections. */
export const DURABLE_OVER_BARE_GOAL = 0.4
export const P99_GOAL_MS = 25
/** Statuses a correct run may see: conflicts, preconditions and rate limits are answers, not failures. */
const intendedStatuses = new Set([409, 412, 429])

/** Within every target's period (2023) and before today. */
const asOf = '2023-06-30'

export async function runHttpBench(options: HttpBenchOptions = {}): Promise<HttpBenchResult> {
  const durationMs = options.durationMs ?? 10_000
  const rounds = options.rounds ?? 2
  const warmupMs = options.warmupMs ?? 2000
  const connections = options.connections ?? 64
  const print = options.print ?? ((line: string) => console.log(line))
  const dir = mkdtempSync(join(options.dir ?? tmpdir(), 'target-ledger-http-bench-'))
  const catalog = loadCatalog()
  const servers: ChildProcess[] = []
  try {
    print(
      `http bench: POST /v1/targets/:id/reports over the ${catalog.length} seeded targets, ${connections} connections on loopback, ` +
        `${durationMs} ms each in ${rounds} interleaved rounds after ${warmupMs} ms of warm-up; each server in a process of its own, ` +
        `autocannon in this one (2 cores: the load generator must not share the server's event loop)`,
    )
    const bare = await startBareServer(servers)
    const floorServer = await startBareServer(servers, ['store', join(dir, 'floor.db')])
    const real = await startServe({
      dir,
      timeoutMs: 60_000,
      ...(options.cpuProfileDir === undefined ? {} : { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] }),
    })
    servers.push(real.child)
    const bareLoad = reportLoad(catalog, 'bare')
    // Nothing is stored, so no stage is ever done: the ceiling gets the same mix of bodies, milestones included.
    bareLoad.startPhase(0, Number.POSITIVE_INFINITY)
    const bareRun = measurement(bare.url, connections, bareLoad, bare.pid)
    const floorLoad = reportLoad(catalog, 'floor')
    floorLoad.startPhase(0, Number.POSITIVE_INFINITY)
    const floorRun = measurement(floorServer.url, connections, floorLoad, floorServer.pid)
    const durableLoad = reportLoad(catalog, 'durable')
    const durableRun = measurement(real.url, connections, durableLoad, real.child.pid)

    await bareRun.run(warmupMs, false)
    await floorRun.run(warmupMs, false)
    await giveMilestonesStages(real.url, catalog, durableLoad, 0, warmupStages)
    await durableRun.run(warmupMs, false)
    // Enough fresh stages for a round at the warm-up's rate, with room to spare.
    const perTargetAndRound = (durableRun.warmupRate() * durationMs) / rounds / 1000 / catalog.length
    const stages = Math.min(maxStages, Math.ceil(perTargetAndRound * 1.5) + 10)
    for (let round = 1; round <= rounds; round += 1) {
      await bareRun.run(durationMs / rounds, true)
      await floorRun.run(durationMs / rounds, true)
      await giveMilestonesStages(real.url, catalog, durableLoad, round, stages)
      await durableRun.run(durationMs / rounds, true)
    }
    await stop(real.child)
    const eventsStored = countReports(real.file)

    const result: HttpBenchResult = {
      bare: bareRun.figures(),
      storeFloor: floorRun.figures(),
      durable: durableRun.figures(),
      durableOverBare: durableRun.figures().perSecond / bareRun.figures().perSecond,
      floorOverBare: floorRun.figures().perSecond / bareRun.figures().perSecond,
      eventsStored,
    }
    print(`  (a) bare route: same schemas, canned 201, stores nothing   ${format(result.bare)}`)
    print(`  (c) store floor: bare + one fsynced append, nothing else   ${format(result.storeFloor)}`)
    print(`  (b) durable: auth, key, ledger, fsync, read models, 201    ${format(result.durable)}`)
    print(
      `  store floor ÷ bare ${result.floorOverBare.toFixed(2)}: what durability alone leaves of the ceiling; ` +
        `the ledger's own work takes durable to ${(result.durable.perSecond / result.storeFloor.perSecond).toFixed(2)} of the floor`,
    )
    const unintended = [result.bare, result.storeFloor, result.durable].flatMap((figures) =>
      Object.keys(figures.non2xx).filter((refusal) => !intendedStatuses.has(Number.parseInt(refusal, 10))),
    )
    print(
      `  durable ÷ bare ${result.durableOverBare.toFixed(2)}: goal ≥ ${DURABLE_OVER_BARE_GOAL} ${result.durableOverBare >= DURABLE_OVER_BARE_GOAL ? 'met' : 'NOT MET'}; ` +
        `durable p99 ${result.durable.p99Ms.toFixed(1)} ms: goal ≤ ${P99_GOAL_MS} ms ${result.durable.p99Ms <= P99_GOAL_MS ? 'met' : 'NOT MET'}; ` +
        `non-2xx other than 409/412/429: ${unintended.length === 0 ? 'none' : unintended.join(', ')}`,
    )
    print(
      `  ${eventsStored.toLocaleString('en-US')} reports in the server's file after it stopped ` +
        `(${durableLoad.milestoneReports().toLocaleString('en-US')} of them milestone stages; ${stages} fresh stages per milestone and round)`,
    )
    return result
  } finally {
    for (const child of servers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A stage is done once, so milestones get fresh stages before each run; more than this would pass the 64 KiB body limit. */
const maxStages = 1000
const warmupStages = 200

interface ReportLoad {
  /** The next request: a target in turn, its zone's agency token, a new Idempotency-Key, a body the domain accepts. */
  next(): { path: string; headers: Record<string, string>; body: string }
  /** A new run: values step up once, milestones use the stages `stageIds` of this phase. */
  startPhase(phase: number, stages: number): void
  milestoneReports(): number
}

/**
 * Targets in turn, so each gets an equal share. Reach and growth values are cumulative: a target's
 * value stays the same within a run and grows from one run to the next, since requests of a run
 * overtake each other (autocannon's first request on each connection waits for the connection to be
 * accepted). Ceilings report a value under their limit. A milestone reports its stages in order; one
 * whose stages are all done passes its turn to the next target.
 */
function reportLoad(catalog: readonly TargetDefinition[], name: string): ReportLoad {
  const agencies = new Map<string, string>()
  for (const principal of readDemoPrincipals()) {
    if (principal.role === 'agency') for (const zone of principal.zones ?? []) agencies.set(zone, `Bearer ${principal.token}`)
  }
  const run = `${name}-${randomBytes(4).toString('hex')}`
  const stagesUsed = new Map<string, number>()
  let phase = 0
  let stagesPerMilestone = 0
  let milestoneReports = 0
  let turn = 0
  let sent = 0

  const measureOf = (target: TargetDefinition): { value: number } | { stage: string } | undefined => {
    switch (target.kind) {
      case 'reach':
      case 'growth':
        return { value: phase }
      case 'ceiling':
        return { value: target.limit * 0.9 }
      case 'milestone': {
        const used = stagesUsed.get(target.id) ?? 0
        if (used >= stagesPerMilestone) return undefined
        stagesUsed.set(target.id, used + 1)
        milestoneReports += 1
        return { stage: stageId(phase, used) }
      }
      default: {
        const _exhaustive: never = target
        throw new Error(`unknown kind ${JSON.stringify(_exhaustive)}`)
      }
    }
  }

  return {
    next() {
      let target: TargetDefinition
      let measure: ReturnType<typeof measureOf>
      do {
        target = catalog[turn % catalog.length]!
        turn += 1
        measure = measureOf(target)
      } while (measure === undefined)
      const key = `${run}-${sent}`
      sent += 1
      const authorization = agencies.get(target.zoneId)
      if (authorization === undefined) throw new Error(`no demo agency for zone ${target.zoneId}`)
      return {
        path: `/v1/targets/${target.id}/reports`,
        headers: { authorization, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({
          asOf,
          ...measure,
          note: `月度报告 ${key}`,
          evidence: [{ title: '月度统计报表', url: `https://example.org/reports/${key}.pdf` }],
        }),
      }
    },
    startPhase(next, stages) {
      phase = next
      stagesPerMilestone = stages
      stagesUsed.clear()
    },
    milestoneReports: () => milestoneReports,
  }
}

const stageId = (phase: number, index: number) => `p${phase}-s${index}`

/** An admin revision per milestone: `count` new stages, in force for the whole period. Not measured. */
async function giveMilestonesStages(
  base: string,
  catalog: readonly TargetDefinition[],
  load: ReportLoad,
  phase: number,
  count: number,
): Promise<void> {
  const stages = Array.from({ length: count }, (_, index) => ({ id: stageId(phase, index), title: { zh: '阶段', en: 'stage' }, weight: 1 }))
  for (const target of catalog) {
    if (target.kind !== 'milestone') continue
    const response = await fetch(`${base}/v1/targets/${target.id}/revisions`, {
      method: 'POST',
      headers: { authorization: 'Bearer demo-admin', 'content-type': 'application/json' },
      body: JSON.stringify({ changes: { stages }, effectiveFrom: '2023-01-01', reason: 'benchmark stages', authority: 'http bench' }),
    })
    if (response.status !== 201) throw new Error(`revising ${target.id}: ${response.status} ${await response.text()}`)
  }
  load.startPhase(phase, count)
}

interface Measurement {
  /** Load for about `ms` milliseconds; counted in the figures when `measured`. */
  run(ms: number, measured: boolean): Promise<void>
  /** Responses per second of the last unmeasured run. */
  warmupRate(): number
  figures(): Figures
}

function measurement(url: string, connections: number, load: ReportLoad, serverPid?: number): Measurement {
  const latencies: number[][] = []
  const refusals: Record<string, number> = {}
  let requests = 0
  let seconds = 0
  let cpuUs = 0
  let warmup = Number.NaN
  return {
    async run(ms, measured) {
      const times: number[] = []
      const refused: Record<string, number> = {}
      const count = (what: string, n = 1) => (refused[what] = (refused[what] ?? 0) + n)
      const cpuBefore = processCpuUs(serverPid)
      const started = performance.now()
      const result = await new Promise<autocannon.Result>((resolve, reject) => {
        const instance = autocannon(
          {
            url,
            connections,
            duration: ms / 1000,
            requests: [
              {
                setupRequest: (request) => ({ ...request, method: 'POST', ...load.next() }),
                // Refusals by status and problem code: the code says which rule a request broke.
                onResponse: (status, body) => {
                  if (status < 200 || status > 299) count(`${status} ${problemCode(body)}`)
                },
              },
            ],
          },
          (error: unknown, done) => (error ? reject(error) : resolve(done)),
        )
        instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime))
      })
      const elapsed = (performance.now() - started) / 1000
      if (!measured) {
        warmup = times.length / elapsed
        return
      }
      latencies.push(times)
      requests += times.length
      seconds += elapsed
      cpuUs += processCpuUs(serverPid) - cpuBefore
      if (result.errors + result.timeouts > 0) count('no response (error or timeout)', result.errors + result.timeouts)
      for (const [what, n] of Object.entries(refused)) refusals[what] = (refusals[what] ?? 0) + n
    },
    warmupRate: () => warmup,
    figures() {
      const sorted = Float64Array.from(latencies.flat()).sort()
      const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN
      return {
        requests,
        seconds,
        perSecond: requests / seconds,
        p50Ms: at(0.5),
        p99Ms: at(0.99),
        serverCpuUsPerRequest: cpuUs / requests,
        non2xx: { ...refusals },
      }
    },
  }
}

/** User + system CPU of a process so far, in µs, from /proc (Linux); NaN elsewhere. */
function processCpuUs(pid: number | undefined): number {
  const file = `/proc/${pid}/stat`
  if (pid === undefined || !existsSync(file)) return Number.NaN
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ')
  const ticksPerSecond = 100
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / ticksPerSecond
}

function problemCode(body: string): string {
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code
    return typeof code === 'string' ? code : '(no problem code)'
  } catch {
    return '(not JSON)'
  }
}

/** The ceiling in a child process: prints its port once listening. */
async function startBareServer(servers: ChildProcess[], args: readonly string[] = []): Promise<{ url: string; pid: number | undefined }> {
  const child = spawn(process.execPath, [...nodeArgsFor(import.meta.url, './http-bench-server'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  servers.push(child)
  const [chunk] = (await Promise.race([
    once(child.stdout!, 'data'),
    once(child, 'exit').then(() => {
      throw new Error('the bare server exited before listening')
    }),
  ])) as [Buffer]
  const { port } = JSON.parse(chunk.toString('utf8')) as { port: number }
  return { url: `http://127.0.0.1:${port}`, pid: child.pid }
}



function countReports(file: string): number {
  const db = new Database(file, { readonly: true })
  try {
    return db.prepare<[], number>("SELECT count(*) FROM events WHERE type = 'ProgressReported'").pluck().get() ?? 0
  } finally {
    db.close()
  }
}

function format({ perSecond, p50Ms, p99Ms, serverCpuUsPerRequest, non2xx }: Figures): string {
  const refusals = Object.entries(non2xx)
  return (
    `${Math.round(perSecond).toLocaleString('en-US').padStart(7)} req/s  p50 ${p50Ms.toFixed(1).padStart(5)} ms  p99 ${p99Ms.toFixed(1).padStart(5)} ms  ` +
    `server CPU ${Math.round(serverCpuUsPerRequest).toLocaleString('en-US').padStart(5)} µs/req  ` +
    `non-2xx: ${refusals.length === 0 ? 'none' : refusals.map(([what, count]) => `${count} × ${what}`).join(', ')}`
  )
}
