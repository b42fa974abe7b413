// `target-ledger backup`: a consistent, synced, verified copy of a running store that serves as the
// same ledger once put in place; refusals exit 2 and write nothing.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { runBackup } from '../../src/cli/backup-command.js'
import type { CommandOutput } from '../../src/cli/verify-command.js'
import { parseConfig } from '../../src/config.js'
import { systemClock } from '../../src/ledger/clock.js'
import { createReceipt } from '../../src/ledger/ledger-digest.js'
import { openRuntime } from '../../src/ledger/runtime.js'
import { bearer, build } from '../helpers/app.js'

const capture = (): CommandOutput & { stdout: string[]; stderr: string[] } => {
  const stdout: string[] = []
  const stderr: string[] = []
  return { stdout, stderr, out: (text) => stdout.push(text), err: (text) => stderr.push(text) }
}

t.test('a backup of a running store holds every committed event and nothing uncommitted, verifies, and serves the same answers', async (t) => {
  const { app, dir, store } = await build(t)
  for (const [value, key] of [[21, 'k-1'], [25, 'k-2']] as const) {
    const reported = await app.inject({
      method: 'POST',
      url: '/v1/targets/qingdao-etdz-projects-introduced/reports',
      headers: { ...bearer('agency-qingdao-etdz'), 'idempotency-key': key },
      payload: { asOf: '2023-06-30', value },
    })
    t.equal(reported.statusCode, 201)
  }
  const source = await createReceipt(store, { now: systemClock.now() })
  const out = join(dir, 'copies', 'ledger-backup.db')
  mkdirSync(join(dir, 'copies'))
  // Another connection in the middle of a write (one that would break the first chain, were it committed):
  // the copy is a snapshot of what is committed, and waits for no lock.
  const writer = new Database(join(dir, 'ledger.db'))
  writer.exec('BEGIN IMMEDIATE; DELETE FROM events WHERE position = 1')
  const printed = capture()
  try {
    t.equal(await runBackup(parseConfig({ DATA_DIR: dir }), ['--out', out], printed), 0, printed.stderr.join(''))
  } finally {
    writer.exec('ROLLBACK')
    writer.close()
  }
  const answer = JSON.parse(printed.stdout.join('')) as { file: string; bytes: number; position: string; streams: number; digest: string }
  t.match(answer, { file: out, position: source.position.toString(), streams: source.streams.length, digest: source.digest }, 'the receipt of the live ledger')
  t.ok(answer.bytes > 0)
  t.notOk(existsSync(`${out}.partial-${process.pid}`), 'no partial file left behind')

  // Put in place of a store, the copy is the same ledger: the same zones, and the same key replays.
  const restored = join(dir, 'restored')
  mkdirSync(restored)
  copyFileSync(out, join(restored, 'ledger.db'))
  const runtime = openRuntime(parseConfig({ DATA_DIR: restored }))
  t.teardown(() => runtime.close())
  await runtime.projector.start()
  const zones = await app.inject({ method: 'GET', url: '/v1/zones?asOf=2023-07-01', headers: bearer('reader') })
  t.same(
    (await runtime.queries.listZones({ asOf: '2023-07-01' })).zones.map(({ groupId, completion }) => ({ groupId, completion })),
    (JSON.parse(zones.body) as { zones: { groupId: string; completion: number }[] }).zones.map(({ groupId, completion }) => ({ groupId, completion })),
  )
  // (Their expiry is reckoned on the test's clock, in 2023, so the rows are looked at directly.)
  const keys = runtime.readModels.prepare<[], { key: string }>("SELECT key FROM idempotency_keys WHERE principal_id = 'agency-qingdao-etdz' ORDER BY key").all()
  t.same(keys.map(({ key }) => key), ['k-1', 'k-2'], 'the Idempotency-Key records came along')
})

t.test('backup refuses with exit 2 and writes nothing: no --out, an existing file, no store, STORE=esdb', async (t) => {
  const { dir } = await build(t, { seed: false })
  const taken = join(dir, 'taken.db')
  writeFileSync(taken, 'keep me')
  const cases: [string, Record<string, string>, string[], RegExp][] = [
    ['no --out', { DATA_DIR: dir }, [], /--out FILE is required[\s\S]*usage: target-ledger backup/],
    ['an unknown option', { DATA_DIR: dir }, ['--out', join(dir, 'x.db'), '--force'], /usage: target-ledger backup/],
    ['an existing file', { DATA_DIR: dir }, ['--out', taken], /exists: a backup never overwrites/],
    ['no store', { DATA_DIR: join(dir, 'nothing-here') }, ['--out', join(dir, 'y.db')], /no store at/],
    ['STORE=esdb', { DATA_DIR: dir, STORE: 'esdb', EVENTSTORE_URL: 'esdb://localhost:2113?tls=false' }, ['--out', join(dir, 'z.db')], /EventStoreDB/],
  ]
  for (const [name, env, args, message] of cases) {
    const printed = capture()
    t.equal(await runBackup(parseConfig(env), args, printed), 2, name)
    t.match(printed.stderr.join(''), message, name)
  }
  t.equal(readFileSync(taken, 'utf8'), 'keep me', 'the existing file is untouched')
  t.notOk(['x.db', 'y.db', 'z.db'].some((name) => existsSync(join(dir, name))), 'no copy written')
})
