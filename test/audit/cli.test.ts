// `target-ledger verify` and `target-ledger digest`: JSON out, exit status as documented.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { runDigest } from '../../src/cli/digest-command.js'
import { runVerify, type CommandOutput } from '../../src/cli/verify-command.js'
import { parseConfig } from '../../src/config.js'
import { build } from '../helpers/app.js'
import { givenReports, tamper, X } from './helpers/ledger-scenario.js'

const capture = (): CommandOutput & { stdout: string[]; stderr: string[] } => {
  const stdout: string[] = []
  const stderr: string[] = []
  return { stdout, stderr, out: (text) => stdout.push(text), err: (text) => stderr.push(text) }
}

const given = async (t: Parameters<typeof build>[0]) => {
  const built = await build(t)
  await givenReports(built.app)
  return { ...built, config: parseConfig({ DATA_DIR: built.dir }) }
}

t.test('verify: 0 and {ok: true} on an intact log; 1 and the break on a tampered one', async (t) => {
  const { config, file } = await given(t)
  const intact = capture()
  t.equal(await runVerify(config, [], intact), 0)
  t.match(JSON.parse(intact.stdout.join('')), { ok: true, streams: Number, events: Number })
  tamper(file, `UPDATE events SET metadata = json_set(metadata, '$.recordedAt', '2023-01-01T00:00:00.000Z') WHERE stream_id = ? AND revision = 3`, X)
  const broken = capture()
  t.equal(await runVerify(config, [], broken), 1)
  t.match(JSON.parse(broken.stdout.join('')), { ok: false, firstBreak: { stream: X, revision: '3', reason: 'hash_mismatch' } })
})

t.test('digest prints a receipt; verify --receipt checks the log still extends it', async (t) => {
  const { config, dir, file } = await given(t)
  const printed = capture()
  t.equal(await runDigest(config, [], printed), 0)
  const receipt = JSON.parse(printed.stdout.join(''))
  t.match(receipt, { position: String, digest: /^[0-9a-f]{64}$/, streams: Array, createdAt: String })
  const receiptFile = join(dir, 'receipt.json')
  writeFileSync(receiptFile, JSON.stringify(receipt))

  const extending = capture()
  t.equal(await runVerify(config, ['--receipt', receiptFile], extending), 0)
  t.match(JSON.parse(extending.stdout.join('')), { verification: { ok: true }, receipt: { extends: true, differences: [] } })

  tamper(file, 'DELETE FROM events WHERE stream_id = ? AND revision = 3', X)
  const truncated = capture()
  t.equal(await runVerify(config, ['--receipt', receiptFile], truncated), 1, 'the chains verify, the receipt does not')
  t.match(JSON.parse(truncated.stdout.join('')), {
    verification: { ok: true },
    receipt: { extends: false, differences: [{ streamId: X, problem: 'truncated', current: { revision: '2' } }] },
  })
})

t.test('bad arguments and unreadable receipts exit 2 with the usage; a broken log gets no receipt (1)', async (t) => {
  const { config, dir, file } = await given(t)
  const unknown = capture()
  t.equal(await runVerify(config, ['--bogus'], unknown), 2)
  t.match(unknown.stderr.join(''), /usage: target-ledger verify/)
  const notAReceipt = join(dir, 'not-a-receipt.json')
  writeFileSync(notAReceipt, '{"position": "x"}')
  const invalid = capture()
  t.equal(await runVerify(config, ['--receipt', notAReceipt], invalid), 2)
  t.match(invalid.stderr.join(''), /is not a receipt: position/)
  t.equal(await runDigest(config, ['--position', 'abc'], capture()), 2)
  const ahead = capture()
  t.equal(await runDigest(config, ['--position', '100000'], ahead), 2)
  t.match(JSON.parse(ahead.stderr.join('')), { code: 'LEDGER.POSITION_AHEAD' })

  tamper(file, 'DELETE FROM events WHERE stream_id = ? AND revision = 1', X)
  const broken = capture()
  t.equal(await runDigest(config, [], broken), 1)
  t.match(JSON.parse(broken.stderr.join('')), { code: 'LEDGER.BROKEN', stream: X, revision: '1', reason: 'revision_gap' })
})

t.test('the commands are wired into the real entry point', async (t) => {
  const { dir, file } = await given(t)
  tamper(file, 'DELETE FROM events WHERE stream_id = ? AND revision = 2', X)
  const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
  // The loader flags tap gave this process, so the child runs the TypeScript sources.
  const child = spawn(process.execPath, [...process.execArgv, main, 'verify'], {
    env: { ...process.env, DATA_DIR: dir },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let stdout = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  const [code] = await once(child, 'exit')
  t.equal(code, 1)
  t.match(JSON.parse(stdout), { ok: false, firstBreak: { stream: X, revision: '2', reason: 'revision_gap' } })
})
