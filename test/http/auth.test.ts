// Authentication: bearer tokens against the principal directory, the read gate, public routes, and
// where principals come from (PRINCIPALS_FILE, demo file, never the demo in production).
import { spawn } from 'node:child_process'
import * as crypto from 'node:crypto'
import { once } from 'node:events'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { ConfigError, parseConfig } from '../../src/config.js'
import {
  createPrincipalDirectory,
  loadDemoPrincipals,
  loadPrincipalsFile,
  openPrincipalDirectory,
  parsePrincipalsFile,
  principalSource,
  readDemoPrincipals,
  sha256Hex,
  type PrincipalRecord,
} from '../../src/http/principals.js'
import { targetStreamId } from '../../src/ledger/target-ledger.js'
import { bearer, build, demoToken, demoTokens, tempDir } from '../helpers/app.js'

const packageRoot = fileURLToPath(new URL('../..', import.meta.url))
const reportUrl = '/v1/targets/qingdao-etdz-projects-introduced/reports'
const report = { asOf: '2023-06-30', value: 21 }

const record = (id: string, token: string, role: PrincipalRecord['role'] = 'reader'): PrincipalRecord => ({
  id,
  name: id,
  role,
  zones: [],
  tokenSha256: sha256Hex(token),
})

/** A principals file entry as an operator writes it. */
const fileEntry = (id: string, token: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `${id} name`,
  role: 'reader',
  tokenSha256: sha256Hex(token),
  ...extra,
})

const writeJson = (dir: string, name: string, value: unknown): string => {
  const file = join(dir, name)
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value))
  return file
}

t.test('principal directory', async (t) => {
  const directory = createPrincipalDirectory(
    [record('short', 'k'), record('base', 'secret-token'), record('longer', 'secret-token-2'), record('long', 'x'.repeat(500))],
    'test',
  )

  t.test('finds the principal of every token, whatever its length', async (t) => {
    t.equal(directory.authenticate('k')?.id, 'short')
    t.equal(directory.authenticate('secret-token')?.id, 'base')
    t.equal(directory.authenticate('secret-token-2')?.id, 'longer')
    t.equal(directory.authenticate('x'.repeat(500))?.id, 'long')
  })

  t.test('refuses a prefix, an extension and a same-length near miss', async (t) => {
    t.equal(directory.authenticate('secret-toke'), undefined, 'a prefix of a token')
    t.equal(directory.authenticate('secret-token-'), undefined, 'a token that a longer one starts with, extended')
    t.equal(directory.authenticate('secret-tokeN'), undefined, 'the right length, one character off')
    t.equal(directory.authenticate(''), undefined, 'empty')
    t.equal(directory.authenticate('x'.repeat(499)), undefined)
    t.equal(directory.authenticate('x'.repeat(100_000)), undefined, 'far longer than any token')
  })

  t.test('compares in constant time with every principal, matching or not', async (t) => {
    const comparisons: Array<[number, number]> = []
    const { createPrincipalDirectory: create } = await t.mockImport<typeof import('../../src/http/principals.js')>(
      '../../src/http/principals.js',
      {
        'node:crypto': {
          ...crypto,
          timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
            comparisons.push([a.byteLength, b.byteLength])
            return crypto.timingSafeEqual(a, b)
          },
        },
      },
    )
    const counted = create([record('a', 'token-a'), record('b', 'token-b'), record('c', 'token-c')], 'test')
    for (const [token, expected] of [
      ['token-a', 'a'],
      ['token-c', 'c'],
      ['nobody', undefined],
      ['a much longer token than any of theirs', undefined],
    ] as const) {
      comparisons.length = 0
      t.equal(counted.authenticate(token)?.id, expected, token)
      t.equal(comparisons.length, 3, `${token}: compared with all three, no early exit`)
      t.ok(comparisons.every(([a, b]) => a === 32 && b === 32), `${token}: sha256 digests, equal lengths`)
    }
  })

  t.test('two principals may not share an id or a token', async (t) => {
    t.throws(() => createPrincipalDirectory([record('a', 'one'), record('a', 'two')], 'test'), {
      name: 'ConfigError',
      message: /id "a" is listed twice/,
    })
    t.throws(() => createPrincipalDirectory([record('a', 'same'), record('b', 'same')], 'test'), {
      message: /"a" and "b" share a token/,
    })
  })
})

t.test('principals file', async (t) => {
  const source = 'PRINCIPALS_FILE principals.json'

  t.test('a valid file gives principals with zones only for agencies', async (t) => {
    const records = parsePrincipalsFile(
      [
        fileEntry('ops', 'ops-token', { role: 'admin' }),
        fileEntry('etdz', 'etdz-token', { role: 'agency', zones: ['qingdao-etdz', 'district'] }),
      ],
      source,
    )
    t.same(records, [
      { id: 'ops', name: 'ops name', role: 'admin', zones: [], tokenSha256: sha256Hex('ops-token') },
      { id: 'etdz', name: 'etdz name', role: 'agency', zones: ['qingdao-etdz', 'district'], tokenSha256: sha256Hex('etdz-token') },
    ])
  })

  t.test('upper-case hex hashes are accepted', async (t) => {
    const [parsed] = parsePrincipalsFile([{ ...fileEntry('ops', 'ops-token'), tokenSha256: sha256Hex('ops-token').toUpperCase() }], source)
    t.equal(parsed?.tokenSha256, sha256Hex('ops-token'))
  })

  const refusals: Array<[string, unknown, RegExp]> = [
    ['not an array', { principals: [] }, /PRINCIPALS_FILE principals\.json: must be a JSON array/],
    ['empty', [], /holds no principals/],
    ['an unknown role', [fileEntry('ops', 't', { role: 'root' })], /principals\.json\[0\] \(id "ops"\): role: /],
    ['an agency without zones', [fileEntry('a', 't', { role: 'agency' })], /\[0\] \(id "a"\): zones: an agency needs the zones/],
    ['zones on an auditor', [fileEntry('a', 't', { role: 'auditor', zones: ['district'] })], /zones: only agencies have zones, not a auditor/],
    ['an unknown zone', [fileEntry('a', 't', { role: 'agency', zones: ['atlantis'] })], /\[0\] \(id "a"\): zones\.0: /],
    ['a hash that is not sha256 hex', [{ ...fileEntry('a', 't'), tokenSha256: 'abc' }], /tokenSha256: must be the 64 hex digits/],
    ['a bad id', [fileEntry('Has Spaces', 't')], /id: must be lower-case letters/],
    ['an unknown field', [{ ...fileEntry('a', 't'), password: 'x' }], /\[0\] \(id "a"\): entry: Unrecognized key.*password/],
    ['a second bad entry', [fileEntry('a', 't'), fileEntry('b', 'u', { role: 'nobody' })], /\[1\] \(id "b"\): role/],
  ]
  for (const [what, json, message] of refusals) {
    t.test(`refuses ${what}, naming the file and the entry`, async (t) => {
      t.throws(() => parsePrincipalsFile(json, source), { name: 'ConfigError', message })
    })
  }

  t.test('refuses clear-text tokens: the demo file is not a principals file', async (t) => {
    const demo = readDemoPrincipals()
    t.throws(() => parsePrincipalsFile(demo, source), {
      name: 'ConfigError',
      message: /PRINCIPALS_FILE principals\.json\[0\] \(id "admin"\) and 14 more entries: a clear-text "token"/,
    })
  })

  t.test('loads from disk; unreadable or broken files are named', async (t) => {
    const dir = tempDir(t)
    const good = writeJson(dir, 'good.json', [fileEntry('ops', 'a-long-random-token', { role: 'admin' })])
    const directory = loadPrincipalsFile(good)
    t.equal(directory.authenticate('a-long-random-token')?.role, 'admin')
    t.throws(() => loadPrincipalsFile(join(dir, 'missing.json')), { message: /PRINCIPALS_FILE .*missing\.json: cannot read .*ENOENT/ })
    const broken = writeJson(dir, 'broken.json', '[{"id": ')
    t.throws(() => loadPrincipalsFile(broken), { message: /PRINCIPALS_FILE .*broken\.json: .* is not valid JSON/ })
  })

  t.test('refuses the published demo tokens, even hashed', async (t) => {
    const dir = tempDir(t)
    const file = writeJson(dir, 'copied.json', [fileEntry('ops', demoToken('admin'), { role: 'admin' })])
    t.throws(() => loadPrincipalsFile(file), { message: /"ops" uses the published demo token of "admin"/ })
  })
})

t.test('demo principals', async (t) => {
  const demo = readDemoPrincipals()

  t.test('one admin, two auditors, one reader, an agency per zone', async (t) => {
    const byRole = (role: string) => demo.filter((p) => p.role === role).map((p) => p.id)
    t.same(byRole('admin'), ['admin'])
    t.same(byRole('auditor'), ['auditor-a', 'auditor-b'])
    t.same(byRole('reader'), ['reader'])
    const { zoneIds } = await import('../../seeds/zones.js')
    t.same(
      demo.filter((p) => p.role === 'agency').flatMap((p) => p.zones ?? []).sort(),
      [...zoneIds].sort(),
      'every zone, district included, has its agency',
    )
    t.ok(demo.every((p) => p.token === `demo-${p.id}`), 'tokens read demo-<id>')
  })

  t.test('the demo directory knows every demo token', async (t) => {
    const directory = loadDemoPrincipals()
    for (const { id, token } of demo) t.equal(directory.authenticate(token)?.id, id)
  })
})

t.test('where principals come from', async (t) => {
  t.test('production without PRINCIPALS_FILE stops at config, naming the variable', async (t) => {
    t.throws(() => parseConfig({ NODE_ENV: 'production' }), { name: 'ConfigError', message: /PRINCIPALS_FILE: required when NODE_ENV=production/ })
    t.throws(() => principalSource({ NODE_ENV: 'production', PRINCIPALS_FILE: undefined }), ConfigError)
  })

  t.test('demo mode: no PRINCIPALS_FILE outside production', async (t) => {
    t.same(principalSource({ NODE_ENV: 'development', PRINCIPALS_FILE: undefined }), { kind: 'demo', file: 'seeds/principals.demo.json' })
    t.same(principalSource({ NODE_ENV: 'test', PRINCIPALS_FILE: undefined }), { kind: 'demo', file: 'seeds/principals.demo.json' })
    t.same(principalSource({ NODE_ENV: 'production', PRINCIPALS_FILE: '/etc/p.json' }), { kind: 'file', file: '/etc/p.json' })
  })

  t.test('PUBLIC_READ defaults to demo mode, and can be set either way', async (t) => {
    t.equal(parseConfig({}).PUBLIC_READ, true, 'demo mode')
    t.equal(parseConfig({ PRINCIPALS_FILE: 'p.json' }).PUBLIC_READ, false)
    t.equal(parseConfig({ NODE_ENV: 'production', PRINCIPALS_FILE: 'p.json' }).PUBLIC_READ, false)
    t.equal(parseConfig({ NODE_ENV: 'production', PRINCIPALS_FILE: 'p.json', PUBLIC_READ: 'true' }).PUBLIC_READ, true)
    t.equal(parseConfig({ PUBLIC_READ: 'false' }).PUBLIC_READ, false)
    t.throws(() => parseConfig({ PUBLIC_READ: 'yes' }), { message: /PUBLIC_READ/ })
  })

  t.test('pointing PRINCIPALS_FILE at the demo file is refused in production', async (t) => {
    t.throws(() => openPrincipalDirectory({ NODE_ENV: 'production', PRINCIPALS_FILE: join(packageRoot, 'seeds/principals.demo.json') }), {
      name: 'ConfigError',
      message: /clear-text "token"/,
    })
  })

  t.test('the demo principals load outside production only', async (t) => {
    const { source, directory } = openPrincipalDirectory({ NODE_ENV: 'development', PRINCIPALS_FILE: undefined })
    t.equal(source.kind, 'demo')
    t.equal(directory.authenticate(demoToken('admin'))?.id, 'admin')
  })

  // The real entry point, as an operator would start it by mistake.
  const serveFails = async (env: Record<string, string>) => {
    const main = join(packageRoot, 'src/cli/main.ts')
    const child = spawn(process.execPath, [...process.execArgv, main, 'serve'], {
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const [code] = await once(child, 'exit')
    return { code, stderr }
  }

  t.test('`serve` in production refuses to start without PRINCIPALS_FILE, or with the demo file', async (t) => {
    const dataDir = tempDir(t)
    const missing = await serveFails({ NODE_ENV: 'production', DATA_DIR: dataDir, PRINCIPALS_FILE: '' })
    t.equal(missing.code, 1)
    t.match(missing.stderr, /PRINCIPALS_FILE: required when NODE_ENV=production/)
    const demo = await serveFails({ NODE_ENV: 'production', DATA_DIR: dataDir, PRINCIPALS_FILE: join(packageRoot, 'seeds/principals.demo.json') })
    t.equal(demo.code, 1)
    t.match(demo.stderr, /clear-text "token"/)
    t.notMatch(demo.stderr, /^\s+at /m, 'a message, not a stack trace')
  })
})

t.test('HTTP authentication', async (t) => {
  const count = async (store: { headPosition(): Promise<bigint> }) => (await store.headPosition()).toString()

  t.test('a write without a token is a 401 with a Bearer challenge, and appends nothing', async (t) => {
    const { app, store } = await build(t)
    const before = await count(store)
    const res = await app.inject({ method: 'POST', url: reportUrl, payload: report })
    t.equal(res.statusCode, 401)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.equal(res.headers['www-authenticate'], 'Bearer realm="target-ledger"')
    t.match(res.json(), { status: 401, code: 'AUTH.MISSING_TOKEN', title: 'Unauthorized' })
    t.equal(await count(store), before)
  })

  t.test('a read without a token is a 401 unless reads are public', async (t) => {
    const closed = await build(t, { seed: false })
    const res = await closed.app.inject({ method: 'GET', url: '/v1/targets' })
    t.equal(res.statusCode, 401)
    t.equal(res.json().code, 'AUTH.MISSING_TOKEN')
    t.equal((await closed.app.inject({ method: 'HEAD', url: '/v1/targets' })).statusCode, 401)

    const open = await build(t, { seed: false, publicRead: true })
    t.equal((await open.app.inject({ method: 'GET', url: '/v1/targets' })).statusCode, 200)
    t.equal((await open.app.inject({ method: 'HEAD', url: '/v1/targets' })).statusCode, 200)
  })

  t.test('public reads do not open writes', async (t) => {
    const { app, store } = await build(t, { publicRead: true })
    const before = await count(store)
    const res = await app.inject({ method: 'POST', url: reportUrl, payload: report })
    t.equal(res.statusCode, 401)
    t.equal(await count(store), before)
  })

  t.test('an unknown token is a 401 invalid_token, even where reads are public', async (t) => {
    const { app } = await build(t, { seed: false, publicRead: true })
    for (const method of ['GET', 'POST'] as const) {
      const res = await app.inject({ method, url: method === 'GET' ? '/v1/targets' : reportUrl, headers: { authorization: 'Bearer demo-nobody' }, ...(method === 'POST' ? { payload: report } : {}) })
      t.equal(res.statusCode, 401, method)
      t.equal(res.headers['www-authenticate'], 'Bearer realm="target-ledger", error="invalid_token"')
      t.match(res.json(), { code: 'AUTH.INVALID_TOKEN', status: 401 })
    }
  })

  t.test('a malformed Authorization header is a 401 invalid_request', async (t) => {
    const { app } = await build(t, { seed: false, publicRead: true })
    for (const authorization of ['Basic YWRtaW46YWRtaW4=', 'Bearer', 'Bearer ', `Bearer ${demoToken('reader')} extra`, demoToken('reader'), 'Bearer töken', '']) {
      const res = await app.inject({ method: 'GET', url: '/v1/targets', headers: { authorization } })
      t.equal(res.statusCode, 401, JSON.stringify(authorization))
      t.equal(res.headers['www-authenticate'], 'Bearer realm="target-ledger", error="invalid_request"')
      t.equal(res.json().code, 'AUTH.MALFORMED_AUTHORIZATION')
    }
  })

  t.test('the scheme is case-insensitive', async (t) => {
    const { app } = await build(t, { seed: false })
    const res = await app.inject({ method: 'GET', url: '/v1/targets', headers: { authorization: `bearer  ${demoToken('reader')}` } })
    t.equal(res.statusCode, 200)
  })

  t.test('health, readiness and the docs need no token, and ignore a bad one', async (t) => {
    const { app } = await build(t, { seed: false })
    for (const url of ['/health', '/ready', '/docs', '/docs/', '/docs/json', '/docs/static/swagger-ui-bundle.js', '/docs/static/swagger-initializer.js']) {
      const anonymous = await app.inject({ method: 'GET', url })
      t.ok(anonymous.statusCode < 400, `${url}: ${anonymous.statusCode}`)
      const badToken = await app.inject({ method: 'GET', url, headers: { authorization: 'Bearer wrong' } })
      t.equal(badToken.statusCode, anonymous.statusCode, `${url} with a bad token`)
    }
  })

  t.test('every demo principal, of every role, is authenticated', async (t) => {
    const { app } = await build(t, { seed: false })
    t.equal(Object.keys(demoTokens).length, 15)
    for (const id of Object.keys(demoTokens)) {
      const res = await app.inject({ method: 'GET', url: '/v1/targets', headers: bearer(id) })
      t.equal(res.statusCode, 200, id)
    }
  })

  t.test('authenticated is not authorised: the decider answers 403 for a reader’s write', async (t) => {
    const { app, store } = await build(t)
    const before = await count(store)
    const res = await app.inject({ method: 'POST', url: reportUrl, payload: report, headers: bearer('reader') })
    t.equal(res.statusCode, 403)
    t.equal(res.json().code, 'ACTOR.ROLE_NOT_ALLOWED')
    t.equal(await count(store), before)
  })

  t.test('the authenticated principal is the actor of the events it causes', async (t) => {
    const { app, store } = await build(t)
    const res = await app.inject({ method: 'POST', url: reportUrl, payload: report, headers: bearer('agency-qingdao-etdz') })
    t.equal(res.statusCode, 201)
    const events = []
    for await (const event of store.readStream(targetStreamId('qingdao-etdz-projects-introduced'))) events.push(event)
    t.match(events.at(-1), { type: 'ProgressReported', metadata: { actor: { id: 'agency-qingdao-etdz', role: 'agency' } } })
  })
})
