// The real entry point as a newcomer runs it: a child process that seeds, listens, answers, and
// drains on SIGTERM; started twice on one data dir, the second start seeds nothing new.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { loadCatalog } from '../../seeds/catalog-loader.js'
import { tempDir } from '../helpers/app.js'

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))

interface LogLine {
  msg: string
  docs?: string
  defined?: number
  existing?: number
}

const serve = (dataDir: string): { child: ChildProcess; lines: AsyncIterableIterator<LogLine> } => {
  // The same loader flags tap gave this process, so the child runs the TypeScript sources.
  const child = spawn(process.execPath, [...process.execArgv, main, 'serve'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const reader = createInterface({ input: child.stdout! })
  const lines = (async function* () {
    for await (const line of reader) {
      if (line.startsWith('{')) yield JSON.parse(line) as LogLine
    }
  })()
  return { child, lines }
}

const waitFor = async (lines: AsyncIterableIterator<LogLine>, predicate: (line: LogLine) => boolean): Promise<LogLine> => {
  // next() by hand: leaving a for-await loop early would close the shared line iterator.
  for (let next = await lines.next(); !next.done; next = await lines.next()) if (predicate(next.value)) return next.value
  throw new Error('the server exited before logging the expected line')
}

t.test('serve seeds, answers, and exits 0 on SIGTERM; a restart seeds nothing new', async (t) => {
  const dataDir = tempDir(t)
  const catalog = loadCatalog()

  const first = serve(dataDir)
  const demo = await waitFor(first.lines, (l) => l.msg.startsWith('demo mode'))
  t.match(demo, { principals: 'seeds/principals.demo.json', publicRead: true }, 'no PRINCIPALS_FILE outside production: demo principals, public reads')
  const seeded = await waitFor(first.lines, (l) => l.msg === 'catalog seeded')
  t.match(seeded, { defined: catalog.length, existing: 0 })
  const listening = await waitFor(first.lines, (l) => l.docs !== undefined)
  const base = listening.docs!.replace(/\/docs$/, '')
  const res = await fetch(`${base}/v1/targets`)
  t.equal(res.status, 200)
  t.equal(((await res.json()) as { count: number }).count, catalog.length)
  const docs = await fetch(`${base}/docs/`)
  t.equal(docs.status, 200, '/docs is served')
  first.child.kill('SIGTERM')
  const [code] = await once(first.child, 'exit')
  t.equal(code, 0, 'exits cleanly after draining')

  const second = serve(dataDir)
  t.teardown(() => second.child.kill('SIGKILL'))
  t.match(await waitFor(second.lines, (l) => l.msg === 'catalog seeded'), { defined: 0, existing: catalog.length })
  second.child.kill('SIGTERM')
  t.equal((await once(second.child, 'exit'))[0], 0)
})
