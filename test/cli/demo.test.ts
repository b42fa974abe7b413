// `target-ledger demo` and `serve --demo-data`: the synthetic history loaded from the command line.
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { parseConfig } from '../../src/config.js'
import { runDemo } from '../../src/cli/demo-command.js'
import { startServer } from '../../src/http/server.js'
import { openSqliteEventStore } from '../../src/store/sqlite-event-store.js'
import { tempDir } from '../helpers/app.js'

const capture = () => {
  const out: string[] = []
  const err: string[] = []
  return { out, err, output: { out: (text: string) => out.push(text), err: (text: string) => err.push(text) } }
}

t.test('demo loads the history into DATA_DIR once; a second run appends nothing', async (t) => {
  const config = parseConfig({ DATA_DIR: tempDir(t), NODE_ENV: 'test' })
  const first = capture()
  t.equal(await runDemo(config, [], first.output), 0)
  const loaded = JSON.parse(first.out.join('\n')) as { seed: number; executed: number; appended: number; history: { steps: number } }
  t.match(loaded, { seed: 2023, present: 0, seededBefore: 0 })
  t.equal(loaded.appended, loaded.history.steps)

  const second = capture()
  t.equal(await runDemo(config, ['--seed', '2023'], second.output), 0)
  t.match(JSON.parse(second.out.join('\n')), { executed: 0, appended: 0, present: loaded.history.steps })
})

t.test('demo refuses a store holding a demo of another seed, exit 1', async (t) => {
  const config = parseConfig({ DATA_DIR: tempDir(t), NODE_ENV: 'test' })
  t.equal(await runDemo(config, ['--seed', '1'], capture().output), 0)
  const { err, output } = capture()
  t.equal(await runDemo(config, ['--seed', '2'], output), 1)
  t.match(err.join('\n'), /neither the catalog seeding nor this demo history/)
})

t.test('demo with bad arguments prints the usage, exit 2; --help prints it, exit 0', async (t) => {
  const config = parseConfig({ DATA_DIR: tempDir(t), NODE_ENV: 'test' })
  for (const args of [['--seed', 'x'], ['--seed', '-3'], ['--seed', '4294967296'], ['--nope']]) {
    const { err, output } = capture()
    t.equal(await runDemo(config, args, output), 2, args.join(' '))
    t.match(err.join('\n'), /usage: target-ledger demo/)
  }
  const { out, output } = capture()
  t.equal(await runDemo(config, ['--help'], output), 0)
  t.match(out.join('\n'), /usage: target-ledger demo/)
})

t.test('demo never runs in production', async (t) => {
  const dir = tempDir(t)
  const config = parseConfig({ DATA_DIR: dir, NODE_ENV: 'production', PRINCIPALS_FILE: 'principals.json' })
  const { err, output } = capture()
  t.equal(await runDemo(config, [], output), 1)
  t.match(err.join('\n'), /never loaded when NODE_ENV=production/)
})

t.test('DEMO_DATA makes reads public unless PUBLIC_READ says otherwise, and is refused in production', async (t) => {
  t.equal(parseConfig({}).DEMO_DATA, false)
  t.equal(parseConfig({ PRINCIPALS_FILE: 'p.json' }).PUBLIC_READ, false)
  t.equal(parseConfig({ PRINCIPALS_FILE: 'p.json', DEMO_DATA: 'true' }).PUBLIC_READ, true)
  t.equal(parseConfig({ PRINCIPALS_FILE: 'p.json', DEMO_DATA: 'true', PUBLIC_READ: 'false' }).PUBLIC_READ, false)
  t.throws(() => parseConfig({ NODE_ENV: 'production', PRINCIPALS_FILE: 'p.json', DEMO_DATA: 'true' }), { message: /DEMO_DATA/ })
})

t.test('serve with DEMO_DATA (as --demo-data sets it) loads the demo before listening', async (t) => {
  const dataDir = tempDir(t)
  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test', DEMO_DATA: 'true' })
  const server = await startServer(config)
  const res = await fetch(`http://127.0.0.1:${(server.server.address() as AddressInfo).port}/v1/targets/surveyed-unemployment-rate?asOf=2023-12-31`)
  t.equal(res.status, 200, 'reads are public')
  t.equal(((await res.json()) as { reports: unknown[] }).reports.length, 12, 'a year of monthly reports')
  await server.close()

  const store = openSqliteEventStore({ file: join(dataDir, 'ledger.db') })
  t.teardown(() => store.close())
  const first = await store.readAll({ maxCount: 1 })[Symbol.asyncIterator]().next()
  t.match(first.value?.metadata, { synthetic: true, recordedAt: /^2023-01-16T/ }, 'the log starts with the demo, not with seeding at today')
})
