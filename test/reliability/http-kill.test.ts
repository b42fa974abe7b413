// The real server killed with SIGKILL in the middle of concurrent report POSTs, then restarted on the
// same data: every acknowledged report is there exactly once, the chains verify, retries with the
// same Idempotency-Keys complete the rest without duplicates, and the read models equal a clean rebuild.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import type { TargetDefinition } from '../../domain/target.js'
import { loadCatalog } from '../../seeds/catalog-loader.js'
import { createProjector } from '../../src/projector/projector.js'
import { openSqliteDatabase } from '../../src/store/sqlite-database.js'
import { openSqliteEventStore } from '../../src/store/sqlite-event-store.js'
import { demoToken, tempDir } from '../helpers/app.js'
import { readModelRows } from '../projector/fixtures/read-model-rows.js'

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
/** Concurrent clients posting reports. */
const WORKERS = 16
/** Acknowledged reports to see before arming the kill. */
const ACKS_BEFORE_KILL = 150
/** The TypeScript loader makes a start take seconds on a busy machine. */
const START_DEADLINE_MS = 30_000

interface Server {
  child: ChildProcess
  base: string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** `target-ledger serve` on `dataDir`, with the loader flags tap gave this process; resolves once it listens. */
const serve = async (dataDir: string): Promise<Server> => {
  const child = spawn(process.execPath, [...process.execArgv, main, 'serve'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', NODE_ENV: 'test', RATE_LIMIT_MAX: '1000000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }))
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  // Every line is read, also after the one awaited: a full pipe would block the server's logging.
  const lines = createInterface({ input: child.stdout! })
  const base = await new Promise<string>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`the server did not listen within ${START_DEADLINE_MS} ms; stderr: ${stderr}`)), START_DEADLINE_MS)
    void exited.then(({ code, signal }) => {
      clearTimeout(deadline)
      reject(new Error(`the server exited (${code ?? signal}) before listening; stderr: ${stderr}`))
    })
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return
      const docs = (JSON.parse(line) as { docs?: string }).docs
      if (docs === undefined) return
      clearTimeout(deadline)
      resolve(docs.replace(/\/docs$/, ''))
    })
  })
  return { child, base, exited }
}

interface Report {
  key: string
  target: ValueTarget
  body: string
  /** The answer before the kill; undefined when none came (in flight, or never sent). */
  first?: { status: number; body: string }
}

type ValueTarget = Exclude<TargetDefinition, { kind: 'milestone' }>
const isValueTarget = (target: TargetDefinition): target is ValueTarget => target.kind !== 'milestone'

/** Equal values on a target are always accepted, in whatever order the requests land. */
const reportBody = (target: ValueTarget, key: string): string =>
  JSON.stringify({
    asOf: '2023-06-30',
    value: target.kind === 'ceiling' ? target.limit * 0.9 : Math.max(1, Math.round(target.goal / 2)),
    note: `reliability ${key}`,
  })

const post = (base: string, report: Report): Promise<Response> =>
  fetch(`${base}/v1/targets/${report.target.id}/reports`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${demoToken(`agency-${report.target.zoneId}`)}`,
      'content-type': 'application/json',
      'idempotency-key': report.key,
    },
    body: report.body,
  })

/** Posts from WORKERS clients until the server dies; kills it with SIGKILL soon after ACKS_BEFORE_KILL acknowledgements. */
const loadThenKill = async (server: Server, targets: readonly ValueTarget[]): Promise<Report[]> => {
  const reports: Report[] = []
  let acks = 0
  let killed = false
  const kill = () => {
    if (killed) return
    killed = true
    // A random delay, so the kill lands at a different point of a commit, sync or projection on every run.
    setTimeout(() => server.child.kill('SIGKILL'), Math.random() * 100)
  }
  const worker = async (): Promise<void> => {
    while (server.child.exitCode === null && server.child.signalCode === null) {
      const target = targets[reports.length % targets.length]!
      const key = `kill-${reports.length}`
      const report: Report = { key, target, body: reportBody(target, key) }
      reports.push(report)
      try {
        const response = await post(server.base, report)
        report.first = { status: response.status, body: await response.text() }
        if (response.status === 201 && ++acks >= ACKS_BEFORE_KILL) kill()
      } catch {
        // No answer: the server died with the request in flight, or before it was sent.
        return
      }
    }
  }
  await Promise.all(Array.from({ length: WORKERS }, worker))
  return reports
}

t.setTimeout(90_000)

t.test('SIGKILL under write load: acknowledged reports survive exactly once, retries complete the rest, read models equal a rebuild', async (t) => {
  const dataDir = tempDir(t, 'target-ledger-http-kill-')
  const targets = loadCatalog().filter(isValueTarget)

  const first = await serve(dataDir)
  t.teardown(() => first.child.kill('SIGKILL'))
  const reports = await loadThenKill(first, targets)
  t.equal((await first.exited).signal, 'SIGKILL', 'the server was killed mid-load, not stopped')
  const acked = reports.filter((report) => report.first?.status === 201)
  const unanswered = reports.filter((report) => report.first === undefined)
  t.same(
    reports.filter((report) => report.first !== undefined && report.first.status !== 201).map((report) => report.first),
    [],
    'before the kill, every answer was a 201',
  )
  t.ok(unanswered.length > 0, `${unanswered.length} requests were in flight or unsent at the kill`)
  t.comment(`${acked.length} reports acknowledged, ${unanswered.length} unanswered`)

  const second = await serve(dataDir)
  t.teardown(() => second.child.kill('SIGKILL'))

  // Every request again, same key and body: the acknowledged ones replay their answer, the others complete.
  const retries = await Promise.all(
    reports.map(async (report) => {
      const response = await post(second.base, report)
      return { report, status: response.status, replayed: response.headers.get('idempotency-replayed'), body: await response.text() }
    }),
  )
  t.same(retries.filter((retry) => retry.status !== 201).map(({ status, body }) => ({ status, body })), [], 'every retry answers 201')
  t.same(
    retries.filter((retry) => retry.report.first !== undefined && (retry.replayed !== 'true' || retry.body !== retry.report.first.body)).map((retry) => retry.report.key),
    [],
    'a retry of an acknowledged request replays its first answer byte for byte',
  )
  const committedUnanswered = retries.filter((retry) => retry.report.first === undefined && retry.replayed === 'true').length
  t.comment(`${committedUnanswered} of the unanswered found the key record their first attempt left before the kill`)
  const reportIds = new Map(retries.map((retry) => [retry.report.key, (JSON.parse(retry.body) as { reportId: string }).reportId]))
  t.equal(new Set(reportIds.values()).size, reports.length, 'one report id per request')

  // As readers see it: every report once on its target.
  const shown = new Map<string, number>()
  for (const target of new Set(reports.map((report) => report.target.id))) {
    const view = (await (await fetch(`${second.base}/v1/targets/${target}`)).json()) as { reports: { reportId: string }[] }
    for (const { reportId } of view.reports) shown.set(reportId, (shown.get(reportId) ?? 0) + 1)
  }
  t.same([...reportIds.values()].filter((reportId) => shown.get(reportId) !== 1), [], 'GET /v1/targets/:id lists every report exactly once')

  const verify = (await (await fetch(`${second.base}/v1/audit/verify`, { headers: { authorization: `Bearer ${demoToken('auditor-a')}` } })).json()) as {
    ok: boolean
    events: number
  }
  t.match(verify, { ok: true }, 'GET /v1/audit/verify: every hash chain intact')

  second.child.kill('SIGTERM')
  t.equal((await second.exited).code, 0, 'the restarted server drains and exits cleanly')

  // The log itself: exactly one ProgressReported per request, nothing else reported.
  const store = openSqliteEventStore({ file: join(dataDir, 'ledger.db') })
  t.teardown(() => store.close())
  const logged = new Map<string, number>()
  let events = 0
  for await (const event of store.readAll()) {
    events += 1
    if (event.type !== 'ProgressReported') continue
    const reportId = (event.data as { reportId: string }).reportId
    logged.set(reportId, (logged.get(reportId) ?? 0) + 1)
  }
  t.same([...reportIds.values()].filter((reportId) => logged.get(reportId) !== 1), [], 'the log holds every report exactly once')
  t.equal(logged.size, reports.length, 'and no report that no request made')
  t.equal(verify.events, events, 'the verification walked the whole log')

  const clean = openSqliteDatabase(join(dataDir, 'clean.db'))
  t.teardown(() => clean.close())
  await createProjector({ store, db: clean }).rebuild()
  t.strictSame(readModelRows(store.db), readModelRows(clean), 'the read models the killed and restarted server kept equal a clean rebuild, row for row')
})
