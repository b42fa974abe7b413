// `target-ledger export`: the same CSV as the HTTP export, to stdout or a file; bad arguments exit 2.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { runExport } from '../../src/cli/export-command.js'
import type { CommandOutput } from '../../src/cli/verify-command.js'
import { parseConfig } from '../../src/config.js'
import { bearer, build } from '../helpers/app.js'

const capture = (): CommandOutput & { stdout: string[]; stderr: string[] } => {
  const stdout: string[] = []
  const stderr: string[] = []
  return { stdout, stderr, out: (text) => stdout.push(text), err: (text) => stderr.push(text) }
}

t.test('export zones|targets writes what GET /v1/exports/*.csv answers', async (t) => {
  const { app, dir } = await build(t)
  const reported = await app.inject({
    method: 'POST',
    url: '/v1/targets/qingdao-etdz-projects-introduced/reports',
    headers: bearer('agency-qingdao-etdz'),
    payload: { asOf: '2023-06-30', value: 21 },
  })
  t.equal(reported.statusCode, 201)
  const config = parseConfig({ DATA_DIR: dir })
  for (const table of ['zones', 'targets']) {
    const api = await app.inject({ method: 'GET', url: `/v1/exports/${table}.csv?asOf=2023-07-01`, headers: bearer('reader') })
    const printed = capture()
    t.equal(await runExport(config, [table, '--as-of', '2023-07-01'], printed), 0)
    t.equal(`${printed.stdout.join('')}\r\n`, api.body, `${table}: stdout is the HTTP export`)
    const out = join(dir, `${table}.csv`)
    t.equal(await runExport(config, [table, '--as-of', '2023-07-01', '--out', out], capture()), 0)
    t.ok(readFileSync(out).equals(api.rawPayload), `${table}: the file is byte for byte the HTTP export, BOM included`)
  }
})

t.test('export refuses bad arguments with exit 2 and the usage', async (t) => {
  const { dir } = await build(t, { seed: false })
  const config = parseConfig({ DATA_DIR: dir })
  for (const args of [[], ['rankings'], ['zones', 'targets'], ['zones', '--as-of', '2023-02-30x'], ['zones', '--known-at', 'yesterday'], ['zones', '--nope']]) {
    const printed = capture()
    t.equal(await runExport(config, args, printed), 2, JSON.stringify(args))
    t.match(printed.stderr.join(''), /usage: target-ledger export/)
  }
})
