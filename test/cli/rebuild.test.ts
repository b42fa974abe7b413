// `target-ledger rebuild`: replays the log into the server's read-model database with progress, ends
// with the rows of a clean rebuild, and refuses unknown projections with exit 2.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { runRebuild, type RebuildDisplay } from '../../src/cli/rebuild-command.js'
import type { CommandOutput } from '../../src/cli/verify-command.js'
import { parseConfig } from '../../src/config.js'
import { createProjector } from '../../src/projector/projector.js'
import { openSqliteDatabase } from '../../src/store/sqlite-database.js'
import { openTestLedger, tempDir } from '../helpers/app.js'
import { writeHistory } from '../projector/fixtures/history.js'
import { checkpoints, readModelRows } from '../projector/fixtures/read-model-rows.js'

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))

const capture = (): CommandOutput & { stdout: string[]; stderr: string[] } => {
  const stdout: string[] = []
  const stderr: string[] = []
  return { stdout, stderr, out: (text) => stdout.push(text), err: (text) => stderr.push(text) }
}

/** What a display stream received; a terminal when `isTTY`. */
const sink = (isTTY: boolean): RebuildDisplay['stream'] & { text(): string } => {
  const stream = new PassThrough()
  let text = ''
  stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
  return Object.assign(stream, { isTTY, columns: 120, text: () => text })
}

/** No server answers on port 0: the command's probe finds nothing. */
const configFor = (dir: string, env: Record<string, string> = {}) => parseConfig({ DATA_DIR: dir, PORT: '0', ...env })

/** A store under a fresh DATA_DIR holding a valid generated history of `events` events. */
const withHistory = async (t: Parameters<typeof openTestLedger>[0], events: number) => {
  const ledger = openTestLedger(t, { now: '2024-01-10T02:00:00.000Z' })
  await writeHistory(ledger.store, { events })
  return ledger
}

t.test('rebuild replays every projection and leaves the rows of a clean rebuild, with a line per few seconds off a terminal', async (t) => {
  const { dir, store } = await withHistory(t, 3_000)
  // Rows a bug left behind: the rebuild must not keep them.
  await createProjector({ store, db: store.db }).rebuild()
  store.db.prepare('UPDATE target_summary SET reports = -1').run()

  const printed = capture()
  const display = sink(false)
  t.equal(await runRebuild(configFor(dir), [], printed, { stream: display, everyMs: 0 }), 0)
  t.match(printed.stdout.join('\n'), /^rebuilt target-summary, audit-trail: 3,000 events in [\d.]+ s \([\d,]+ events\/s\); read models at position \d+$/)
  t.same(printed.stderr, [], 'no warning: nothing answers on HOST:PORT')
  const lines = display.text().trim().split('\n')
  t.equal(lines.length, 3, 'one line per batch of 1000 when every line is due')
  t.match(lines.at(-1), /^rebuild: 3,000 events, 100%, [\d,]+ events\/s, ETA 0 s$/)

  const clean = openSqliteDatabase(join(dir, 'clean.db'))
  t.teardown(() => clean.close())
  await createProjector({ store, db: clean }).rebuild()
  t.strictSame(readModelRows(store.db), readModelRows(clean), 'every row and checkpoint equals those of a clean rebuild')
})

t.test('--only rebuilds the projections named and leaves the others as they were', async (t) => {
  const { dir, store } = await withHistory(t, 1_500)
  await createProjector({ store, db: store.db }).rebuild()
  const before = readModelRows(store.db)
  const printed = capture()
  t.equal(await runRebuild(configFor(dir), ['--only', 'target-summary'], printed, { stream: sink(false) }), 0)
  t.match(printed.stdout.join('\n'), /^rebuilt target-summary: 1,500 events/)
  t.strictSame(readModelRows(store.db), before, 'rebuilt to the same rows')
  const head = await store.headPosition()
  t.same(checkpoints(store.db), { 'target-summary': head, 'audit-trail': head })
})

t.test('on a terminal the progress is a bar with events/s and ETA', async (t) => {
  const { dir } = await withHistory(t, 2_000)
  const display = sink(true)
  t.equal(await runRebuild(configFor(dir), [], capture(), { stream: display }), 0)
  t.match(display.text(), /rebuild \[[█░]+\] 100% \| 2,000 events \| [\d,]+ events\/s \| ETA 0 s/)
})

t.test('an unknown projection is refused with exit 2 before the data directory is opened', async (t) => {
  const dir = join(tempDir(t), 'never-created')
  for (const args of [['--only', 'zone-rollups'], ['--only', 'target-summary,nope'], ['--only', ','], ['--everything'], ['extra']]) {
    const printed = capture()
    t.equal(await runRebuild(configFor(dir), args, printed, { stream: sink(false) }), 2, JSON.stringify(args))
    t.match(printed.stderr.join(''), /usage: target-ledger rebuild/)
  }
  const printed = capture()
  await runRebuild(configFor(dir), ['--only', 'zone-rollups'], printed, { stream: sink(false) })
  t.match(printed.stderr.join(''), /^unknown projection\(s\): zone-rollups; known: target-summary, audit-trail/)
  t.notOk(existsSync(dir), 'nothing opened, nothing created')
})

t.test('a server answering on HOST:PORT is warned about, and the rebuild goes ahead', async (t) => {
  const { dir } = await withHistory(t, 500)
  const server = createServer((request, response) => {
    response.setHeader('content-type', 'application/json')
    response.end(request.url === '/health' ? '{"status":"ok"}' : '{}')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => server.close())
  const { port } = server.address() as { port: number }
  const printed = capture()
  t.equal(await runRebuild(configFor(dir, { PORT: String(port) }), [], printed, { stream: sink(false) }), 0)
  t.match(printed.stderr.join(''), new RegExp(`^warning: a server answers on http://127\\.0\\.0\\.1:${port}, probably on this data`))
  t.match(printed.stdout.join(''), /^rebuilt target-summary, audit-trail: 500 events/)
})

t.test('the real entry point: plain lines and a summary on a pipe, exit 2 for an unknown projection', async (t) => {
  const { dir } = await withHistory(t, 1_000)
  // The same loader flags tap gave this process, so the child runs the TypeScript sources.
  const run = async (args: string[]) => {
    const child = spawn(process.execPath, [...process.execArgv, main, 'rebuild', ...args], {
      env: { ...process.env, DATA_DIR: dir, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const [code] = (await once(child, 'exit')) as [number | null]
    return { code, stdout, stderr }
  }
  const [rebuilt, refused] = await Promise.all([run([]), run(['--only', 'nope'])])
  t.equal(rebuilt.code, 0, rebuilt.stderr)
  t.match(rebuilt.stdout, /^rebuild: [\d,]+ events, \d+%, [\d,]+ events\/s, ETA .+\nrebuilt target-summary, audit-trail: 1,000 events in /)
  t.equal(refused.code, 2)
  t.match(refused.stderr, /unknown projection\(s\): nope; known: target-summary, audit-trail/)
})
