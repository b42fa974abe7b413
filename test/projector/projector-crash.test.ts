// Kills a rebuild with SIGKILL between (or during) batch commits, restarts, and compares with a clean rebuild row for row.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { createProjector } from '../../src/projector/projector.js'
import { openSqliteDatabase } from '../../src/store/sqlite-database.js'
import { openSqliteEventStore } from '../../src/store/sqlite-event-store.js'
import { tempDir } from '../helpers/app.js'
import { writeHistory } from './fixtures/history.js'
import { checkpoints, readModelRows } from './fixtures/read-model-rows.js'
import type { ChildProgress } from './fixtures/rebuild-child.js'

const CHILD = fileURLToPath(new URL('./fixtures/rebuild-child.ts', import.meta.url))
const EVENTS = 30_000
/** Loading TypeScript in the child takes a few seconds on a busy machine. */
const DEADLINE_MS = 60_000

/** Starts the rebuild in a child and kills it once it has committed past a random share of the log. */
const rebuildThenKill = async (file: string): Promise<{ signal: NodeJS.Signals | null; killedAfter: bigint }> => {
  const child = spawn(process.execPath, [...process.execArgv, CHILD, file, '500'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
  const share = 0.2 + Math.random() * 0.5
  const killedAfter = await new Promise<bigint>((resolve, reject) => {
    const deadline = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`no progress past ${share} in ${DEADLINE_MS} ms; stderr: ${stderr}`))
    }, DEADLINE_MS)
    void exited.then(() => {
      clearTimeout(deadline)
      reject(new Error(`the rebuild ended before it was killed; stderr: ${stderr}`))
    })
    let pending = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n')
      pending = lines.pop()!
      for (const line of lines) {
        const progress = JSON.parse(line) as ChildProgress
        if (Number(progress.position) < share * Number(progress.head)) continue
        clearTimeout(deadline)
        // A random delay, so the kill lands while a batch is read, applied or committed, on different runs.
        setTimeout(() => child.kill('SIGKILL'), Math.random() * 40)
        resolve(BigInt(progress.position))
        return
      }
    })
  })
  return { signal: await exited, killedAfter }
}

// Writing 30,000 events, a child loading TypeScript, and three rebuilds: minutes on a busy 2-core machine.
t.setTimeout(300_000)

t.test('a rebuild killed with SIGKILL and restarted ends with read models identical, row for row, to a clean rebuild', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'ledger.db')
  const seeding = openSqliteEventStore({ file })
  await writeHistory(seeding, { events: EVENTS })
  const head = await seeding.headPosition()
  await seeding.close()

  const { signal, killedAfter } = await rebuildThenKill(file)
  t.equal(signal, 'SIGKILL', 'the rebuild was killed, not finished')

  const store = openSqliteEventStore({ file })
  t.teardown(() => store.close())
  const afterKill = checkpoints(store.db)
  t.comment(`killed after position ${killedAfter} of ${head}; checkpoints on disk: ${JSON.stringify(afterKill, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`)
  for (const [name, position] of Object.entries(afterKill)) {
    t.ok(position >= killedAfter && position < head, `${name} stopped mid-log, at a committed batch (${position})`)
  }

  const resumed = createProjector({ store, db: store.db })
  await resumed.start()
  await resumed.stop()
  t.equal(resumed.position(), head, 'the restarted projector caught up with the head')

  const clean = openSqliteDatabase(join(dir, 'clean.db'))
  t.teardown(() => clean.close())
  await createProjector({ store, db: clean }).rebuild()
  t.strictSame(readModelRows(store.db), readModelRows(clean), 'every row and checkpoint equals those of a clean rebuild')
  t.equal(
    (store.db.prepare('SELECT count(*) FROM audit_trail').pluck().get() as number),
    EVENTS,
    'one audit entry per event: nothing applied twice, nothing lost',
  )
})
