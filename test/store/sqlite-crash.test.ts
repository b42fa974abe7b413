// Kills a process mid-append with SIGKILL and checks what the SQLite file kept: every acknowledged append, no half-written one.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import type { StoredEvent } from '../../src/store/event-store.js'
import { openSqliteEventStore } from '../../src/store/sqlite-event-store.js'
import { collect, event } from './contract.js'
import type { Acknowledged, CrashEventData } from './crash-appender.js'

const APPENDER = fileURLToPath(new URL('./crash-appender.ts', import.meta.url))
/** Acknowledgements to see before arming the kill. */
const ACKS_BEFORE_KILL = 100
/** Give up when the child has not produced enough acknowledgements by then (it includes loading TypeScript). */
const STARTUP_DEADLINE_MS = 8_000

/** Runs the appender until it has acknowledged enough, lets it run on a little, then kills it. */
async function appendThenKill(file: string): Promise<{ acks: Acknowledged[]; signal: NodeJS.Signals | null }> {
  // The same loader flags tap gave this process, so the child runs the TypeScript sources too.
  const child = spawn(process.execPath, [...process.execArgv, APPENDER, file], { stdio: ['ignore', 'pipe', 'pipe'] })
  const acks: Acknowledged[] = []
  let pending = ''
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))

  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`only ${acks.length} acknowledgements in ${STARTUP_DEADLINE_MS} ms; stderr: ${stderr}`))
    }, STARTUP_DEADLINE_MS)
    void exited.then(() => {
      clearTimeout(deadline)
      reject(new Error(`the appender exited on its own; stderr: ${stderr}`))
    })
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      // A line cut by the kill is never complete, so it is never counted as acknowledged.
      const lines = (pending + chunk).split('\n')
      pending = lines.pop()!
      for (const line of lines) acks.push(JSON.parse(line) as Acknowledged)
      if (acks.length >= ACKS_BEFORE_KILL) {
        clearTimeout(deadline)
        resolve()
      }
    })
  })
  // A random delay, so the kill lands at a different point of a commit on every run.
  await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 700))
  child.kill('SIGKILL')
  return { acks, signal: await exited }
}

t.test('every acknowledged append survives a SIGKILL, and no append is half written', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'target-ledger-crash-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'events.db')

  const { acks, signal } = await appendThenKill(file)
  t.equal(signal, 'SIGKILL', 'the appender was killed, not stopped')

  const store = openSqliteEventStore({ file })
  t.teardown(() => store.close())
  const events = await collect(store.readAll())
  const byId = new Map(events.map((stored) => [stored.id, stored]))
  t.comment(`${acks.length} appends acknowledged, ${events.length} events recovered`)

  const lost = acks.filter((ack) => {
    const last = BigInt(ack.nextRevision)
    return ack.ids.some((id, index) => {
      const stored = byId.get(id)
      return (
        stored === undefined ||
        stored.streamId !== ack.streamId ||
        stored.revision !== last - BigInt(ack.ids.length - 1 - index)
      )
    }) || byId.get(ack.ids.at(-1)!)!.position !== BigInt(ack.position)
  })
  t.same(lost, [], 'every acknowledged append is stored where it was acknowledged')

  const batches = groupBy(events, (stored) => (stored.data as unknown as CrashEventData).batch)
  const partial = [...batches.values()].filter((batch) => !isWholeAppend(batch))
  t.same(partial, [], 'every append is stored whole or not at all')

  const streams = groupBy(events, (stored) => stored.streamId)
  const gapped = [...streams.entries()].filter(([, stored]) => stored.some((one, index) => one.revision !== BigInt(index)))
  t.same(gapped.map(([streamId]) => streamId), [], 'every stream has revisions 0..n-1')

  const after = await store.append('crash-0', [event()], { expectedRevision: 'any' })
  t.ok(after.position > (events.at(-1)?.position ?? 0n), 'the recovered file takes new appends')
})

function isWholeAppend(batch: StoredEvent[]): boolean {
  const { size } = batch[0]!.data as unknown as CrashEventData
  return (
    batch.length === size &&
    batch.every(
      (stored, index) =>
        stored.streamId === batch[0]!.streamId &&
        stored.revision === batch[0]!.revision + BigInt(index) &&
        (stored.data as unknown as CrashEventData).index === index,
    )
  )
}

/** Map.groupBy arrived in Node 21; the project supports Node 20. */
function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>()
  for (const item of items) {
    const group = groups.get(key(item))
    if (group === undefined) groups.set(key(item), [item])
    else group.push(item)
  }
  return groups
}
