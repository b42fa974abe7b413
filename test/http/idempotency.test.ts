import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { loadCatalog } from '../../seeds/catalog-loader.js'
import { auth } from '../../src/http/auth.js'
import { idempotency, idempotencyReplayedHeader, isRecordedStatus, parseIdempotencyKey } from '../../src/http/idempotency.js'
import { loadDemoPrincipals } from '../../src/http/principals.js'
import { errorHandler, problem, sendProblem } from '../../src/http/problem.js'
import { createFastify } from '../../src/http/server.js'
import { fixedClock } from '../../src/ledger/clock.js'
import { seedCatalog } from '../../src/ledger/seed.js'
import { targetStreamId } from '../../src/ledger/target-ledger.js'
import { SqliteGroupCommit } from '../../src/store/sqlite-group-commit.js'
import { openSqliteIdempotencyStore, type SqliteIdempotencyStore } from '../../src/store/sqlite-idempotency-store.js'
import { bearer, build, midYear, tempDir } from '../helpers/app.js'

const day = 24 * 60 * 60 * 1000

const demoPrincipals = loadDemoPrincipals()
/** The caller of every request below unless another is named. */
const agency = 'agency-qingdao-etdz'

interface Harness {
  fastify: FastifyInstance
  keys: SqliteIdempotencyStore
  clock: ReturnType<typeof fixedClock>
  calls: Record<string, number>
  /** Holds /slow until released. */
  hold(): () => void
  reopen(): Promise<Harness>
}

/** The plugin alone, over a key file, with test-only POST routes that count their calls. */
const harness = async (t: Test, file = join(tempDir(t, 'target-ledger-idem-'), 'keys.db'), ttlMs = day): Promise<Harness> => {
  const clock = fixedClock(midYear)
  const keys = openSqliteIdempotencyStore({ file, clock, ttlMs })
  const fastify = createFastify(false)
  fastify.setErrorHandler(errorHandler)
  await fastify.register(auth, { principals: demoPrincipals, publicRead: false })
  await fastify.register(idempotency, { store: keys })

  const calls: Record<string, number> = {}
  const count = (name: string): number => (calls[name] = (calls[name] ?? 0) + 1)
  let gate: Promise<void> = Promise.resolve()

  fastify.post('/things', async (request, reply) => {
    const n = count('things')
    return reply
      .code(201)
      .header('location', `/things/${n}`)
      .header('etag', `"${n}"`)
      .header('x-call', String(n))
      .send({ thing: n, received: request.body, key: request.idempotencyKey ?? null })
  })
  fastify.post('/slow', async (request, reply) => {
    count('slow')
    await gate
    return reply.code(201).send({ done: true, received: request.body })
  })
  fastify.post('/flaky', async (_request, reply) => {
    const n = count('flaky')
    if (n === 1) return sendProblem(reply, problem(503, 'TEST.UNAVAILABLE', 'Service Unavailable', 'try again'))
    return reply.code(201).send({ attempt: n })
  })
  fastify.post('/boom', async () => {
    count('boom')
    throw new Error('disk on fire')
  })
  fastify.post('/rejects', async (_request, reply) => {
    const n = count('rejects')
    return sendProblem(reply, problem(422, 'TARGET.RULE', 'Unprocessable Content', `rule broken (call ${n})`))
  })
  fastify.post('/conflicts', async (_request, reply) => {
    const n = count('conflicts')
    return sendProblem(reply, problem(409, 'TARGET.CLOSED', 'Conflict', `closed (call ${n})`))
  })
  fastify.post('/empty', async (_request, reply) => {
    count('empty')
    return reply.code(204).send()
  })
  fastify.post('/opted-out', { config: { idempotency: false } }, async () => ({ call: count('opted-out') }))
  fastify.post('/public', { config: { public: true } }, async () => ({ call: count('public') }))
  fastify.get('/things', async () => ({ call: count('get-things') }))

  await fastify.ready()
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await fastify.close()
    await keys.close()
  }
  t.teardown(close)
  return {
    fastify,
    keys,
    clock,
    calls,
    hold: () => {
      let release!: () => void
      gate = new Promise<void>((resolve) => {
        release = resolve
      })
      return release
    },
    reopen: async () => {
      await close()
      return harness(t, file, ttlMs)
    },
  }
}

const post = (fastify: FastifyInstance, url: string, body: unknown, headers: Record<string, string> = {}, as = agency) =>
  fastify.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...bearer(as), ...headers },
    payload: JSON.stringify(body),
  })

t.test('the same key and body ten times: the handler runs once and every answer is the first one', async (t) => {
  const { fastify, calls } = await harness(t)
  const headers = { 'idempotency-key': 'report-2023-06-a' }
  const responses = []
  for (let i = 0; i < 10; i++) responses.push(await post(fastify, '/things', { value: 21 }, headers))
  t.equal(calls['things'], 1)
  const [first, ...retries] = responses
  t.equal(first!.statusCode, 201)
  t.notOk(first!.headers[idempotencyReplayedHeader], 'the first answer is not a replay')
  for (const retry of retries) {
    t.equal(retry.statusCode, 201)
    t.equal(retry.body, first!.body)
    t.equal(retry.headers['content-type'], first!.headers['content-type'])
    t.equal(retry.headers['location'], '/things/1')
    t.equal(retry.headers['etag'], '"1"')
    t.equal(retry.headers[idempotencyReplayedHeader], 'true')
  }
  t.equal(retries[0]!.headers['x-call'], undefined, 'headers outside the replayed set are not repeated')
  t.same(first!.json(), { thing: 1, received: { value: 21 }, key: 'report-2023-06-a' })
})

t.test('the record is committed before the response leaves', async (t) => {
  const { fastify, keys } = await harness(t)
  const res = await post(fastify, '/things', { value: 1 }, { 'idempotency-key': 'k-durable' })
  t.equal(res.statusCode, 201)
  t.equal(keys.find(agency, 'k-durable')?.status, 201)
})

t.test('the same body with other whitespace and key order is the same request', async (t) => {
  const { fastify, calls } = await harness(t)
  const headers = { 'content-type': 'application/json', ...bearer(agency), 'idempotency-key': 'k-canonical' }
  const first = await fastify.inject({ method: 'POST', url: '/things', headers, payload: '{"a":1,"b":[1,2]}' })
  const retry = await fastify.inject({ method: 'POST', url: '/things', headers, payload: '{ "b": [1, 2],\n  "a": 1.0 }' })
  t.equal(calls['things'], 1)
  t.equal(retry.headers[idempotencyReplayedHeader], 'true')
  t.equal(retry.body, first.body)
})

t.test('the same key with another body is a 422 and runs nothing', async (t) => {
  const { fastify, calls } = await harness(t)
  await post(fastify, '/things', { value: 21 }, { 'idempotency-key': 'k1' })
  const res = await post(fastify, '/things', { value: 22 }, { 'idempotency-key': 'k1' })
  t.equal(res.statusCode, 422)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(res.json(), { status: 422, code: 'IDEMPOTENCY.KEY_REUSED' })
  t.equal(calls['things'], 1)
})

t.test('the same key on another URL or with another If-Match is another request: 422', async (t) => {
  const { fastify, calls } = await harness(t)
  await post(fastify, '/things', { value: 21 }, { 'idempotency-key': 'k1' })
  t.equal((await post(fastify, '/things?dryRun=1', { value: 21 }, { 'idempotency-key': 'k1' })).statusCode, 422)
  t.equal((await post(fastify, '/slow', { value: 21 }, { 'idempotency-key': 'k1' })).statusCode, 422)
  t.equal((await post(fastify, '/things', { value: 21 }, { 'idempotency-key': 'k1', 'if-match': '"4"' })).statusCode, 422)
  t.equal(calls['things'], 1)
  t.equal(calls['slow'], undefined)
})

t.test('a duplicate while the first is in flight is a 409; once answered, the retry replays', async (t) => {
  const { fastify, calls, hold } = await harness(t)
  const release = hold()
  const headers = { 'idempotency-key': 'k-slow' }
  const first = post(fastify, '/slow', { value: 1 }, headers)
  await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal(calls['slow'], 1, 'the first request is in its handler')
  const duplicate = await post(fastify, '/slow', { value: 1 }, headers)
  t.equal(duplicate.statusCode, 409)
  t.match(duplicate.json(), { status: 409, code: 'IDEMPOTENCY.IN_FLIGHT' })
  const otherBody = await post(fastify, '/slow', { value: 2 }, headers)
  t.equal(otherBody.statusCode, 422, 'another body with the key is a reuse even while in flight')
  release()
  t.equal((await first).statusCode, 201)
  const retry = await post(fastify, '/slow', { value: 1 }, headers)
  t.equal(retry.statusCode, 201)
  t.equal(retry.headers[idempotencyReplayedHeader], 'true')
  t.equal(calls['slow'], 1)
})

t.test('concurrent duplicates: exactly one runs, the others are 409', async (t) => {
  const { fastify, calls } = await harness(t)
  const responses = await Promise.all(
    Array.from({ length: 20 }, () => post(fastify, '/things', { value: 7 }, { 'idempotency-key': 'k-burst' })),
  )
  t.equal(calls['things'], 1)
  const statuses = responses.map((res) => res.statusCode).sort()
  t.equal(statuses.filter((s) => s === 201).length + statuses.filter((s) => s === 409).length, 20)
  t.equal(responses.filter((res) => res.statusCode === 201 && !res.headers[idempotencyReplayedHeader]).length, 1)
  t.ok(responses.some((res) => res.statusCode === 409), 'duplicates met the first in flight')
})

t.test('a 5xx is not recorded: the key is free for the retry', async (t) => {
  const { fastify, calls, keys } = await harness(t)
  const headers = { 'idempotency-key': 'k-flaky' }
  t.equal((await post(fastify, '/flaky', {}, headers)).statusCode, 503)
  t.equal(keys.find(agency, 'k-flaky'), undefined)
  const second = await post(fastify, '/flaky', {}, headers)
  t.equal(second.statusCode, 201)
  t.notOk(second.headers[idempotencyReplayedHeader])
  const third = await post(fastify, '/flaky', {}, headers)
  t.equal(third.headers[idempotencyReplayedHeader], 'true')
  t.equal(third.body, second.body)
  t.equal(calls['flaky'], 2)
})

t.test('a handler that throws (500) releases the key', async (t) => {
  const { fastify, calls } = await harness(t)
  const headers = { 'idempotency-key': 'k-boom' }
  const first = await post(fastify, '/boom', {}, headers)
  t.equal(first.statusCode, 500)
  t.notMatch(first.body, /disk on fire/, 'no internals in the response')
  t.equal((await post(fastify, '/boom', {}, headers)).statusCode, 500, 'not a 409: nothing holds the key')
  t.equal(calls['boom'], 2)
})

t.test('a 4xx outcome is recorded and replayed', async (t) => {
  const { fastify, calls } = await harness(t)
  const headers = { 'idempotency-key': 'k-rejected' }
  const first = await post(fastify, '/rejects', {}, headers)
  const retry = await post(fastify, '/rejects', {}, headers)
  t.equal(retry.statusCode, 422)
  t.equal(retry.body, first.body)
  t.equal(retry.headers['content-type'], first.headers['content-type'])
  t.equal(retry.headers[idempotencyReplayedHeader], 'true')
  t.equal(calls['rejects'], 1)
})

t.test('a 409 about the current state is not recorded: the retry is decided again', async (t) => {
  const { fastify, calls } = await harness(t)
  const headers = { 'idempotency-key': 'k-conflict' }
  await post(fastify, '/conflicts', {}, headers)
  const retry = await post(fastify, '/conflicts', {}, headers)
  t.equal(retry.statusCode, 409)
  t.match(retry.json().detail, /call 2/)
  t.equal(calls['conflicts'], 2)
})

t.test('which statuses are recorded', async (t) => {
  t.same(
    [200, 201, 204, 303, 400, 403, 404, 422, 401, 408, 409, 412, 429, 500, 503].map((s) => [s, isRecordedStatus(s)]),
    [
      [200, true], [201, true], [204, true], [303, true], [400, true], [403, true], [404, true], [422, true],
      [401, false], [408, false], [409, false], [412, false], [429, false], [500, false], [503, false],
    ],
  )
})

t.test('an empty response is replayed empty', async (t) => {
  const { fastify, calls } = await harness(t)
  await post(fastify, '/empty', {}, { 'idempotency-key': 'k-empty' })
  const retry = await post(fastify, '/empty', {}, { 'idempotency-key': 'k-empty' })
  t.equal(retry.statusCode, 204)
  t.equal(retry.body, '')
  t.equal(retry.headers[idempotencyReplayedHeader], 'true')
  t.equal(calls['empty'], 1)
})

t.test('different principals use the same key independently', async (t) => {
  const { fastify, calls } = await harness(t)
  const a = await post(fastify, '/things', { value: 1 }, { 'idempotency-key': 'shared' }, 'agency-qingdao-etdz')
  const b = await post(fastify, '/things', { value: 2 }, { 'idempotency-key': 'shared' }, 'agency-dongjiakou')
  t.equal(a.statusCode, 201)
  t.equal(b.statusCode, 201, 'not a 422: the key is agency-dongjiakou’s own')
  t.equal(calls['things'], 2)
  const aAgain = await post(fastify, '/things', { value: 1 }, { 'idempotency-key': 'shared' }, 'agency-qingdao-etdz')
  t.equal(aAgain.body, a.body)
  t.equal(aAgain.headers[idempotencyReplayedHeader], 'true')
})

t.test('without the header a POST just runs', async (t) => {
  const { fastify, calls } = await harness(t)
  const first = await post(fastify, '/things', { value: 1 })
  const second = await post(fastify, '/things', { value: 1 })
  t.equal(calls['things'], 2)
  t.notOk(second.headers[idempotencyReplayedHeader])
  t.equal(first.json().key, null)
})

t.test('a malformed key is a 400 naming the header, and runs nothing', async (t) => {
  const { fastify, calls } = await harness(t)
  for (const key of ['', 'a b', 'x'.repeat(256), '"unterminated', '"a"b"', 'é']) {
    const res = await post(fastify, '/things', {}, { 'idempotency-key': key })
    t.equal(res.statusCode, 400, JSON.stringify(key))
    t.match(res.json(), { code: 'IDEMPOTENCY.KEY_INVALID', errors: [{ path: 'headers.idempotency-key' }] })
  }
  t.equal(calls['things'], undefined)
  t.equal((await post(fastify, '/things', {}, { 'idempotency-key': 'x'.repeat(255) })).statusCode, 201, '255 characters is fine')
})

t.test('the quoted form of the draft (a Structured Field String) is the same key as the bare one', async (t) => {
  const { fastify, calls } = await harness(t)
  const first = await post(fastify, '/things', { value: 1 }, { 'idempotency-key': '"8e03978e-40d5-43e8"' })
  t.equal(first.json().key, '8e03978e-40d5-43e8', 'handlers see the unquoted key')
  const bare = await post(fastify, '/things', { value: 1 }, { 'idempotency-key': '8e03978e-40d5-43e8' })
  t.equal(bare.headers[idempotencyReplayedHeader], 'true')
  t.equal(calls['things'], 1)
})

t.test('parseIdempotencyKey unescapes a quoted key and refuses repeats', async (t) => {
  t.same(parseIdempotencyKey('"a\\"b\\\\c"'), { ok: true, key: 'a"b\\c' })
  t.same(parseIdempotencyKey('plain-key_1.2~'), { ok: true, key: 'plain-key_1.2~' })
  t.match(parseIdempotencyKey(['a', 'b']), { ok: false })
  t.match(parseIdempotencyKey('a, b'), { ok: false }, 'a header sent twice arrives joined')
})

t.test('a route can opt out with config.idempotency = false', async (t) => {
  const { fastify, calls } = await harness(t)
  await post(fastify, '/opted-out', {}, { 'idempotency-key': 'k-out' })
  const second = await post(fastify, '/opted-out', {}, { 'idempotency-key': 'not valid here either' })
  t.equal(second.statusCode, 200)
  t.equal(calls['opted-out'], 2)
})

t.test('other methods are not affected', async (t) => {
  const { fastify, calls } = await harness(t)
  for (let i = 0; i < 2; i++) {
    await fastify.inject({ method: 'GET', url: '/things', headers: { 'idempotency-key': 'k-get', ...bearer(agency) } })
  }
  t.equal(calls['get-things'], 2)
})

t.test('an anonymous POST to a public route has no principal to scope the key to: it runs each time', async (t) => {
  const { fastify, calls } = await harness(t)
  for (let i = 0; i < 2; i++) {
    await fastify.inject({
      method: 'POST',
      url: '/public',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-anon' },
      payload: '{}',
    })
  }
  t.equal(calls['public'], 2)
})

t.test('a request refused by authentication never takes the key', async (t) => {
  const { fastify, calls } = await harness(t)
  const headers = { 'content-type': 'application/json', 'idempotency-key': 'k-auth' }
  const refused = await fastify.inject({ method: 'POST', url: '/things', headers: { ...headers, authorization: 'Bearer wrong' }, payload: '{}' })
  t.equal(refused.statusCode, 401)
  const accepted = await post(fastify, '/things', {}, { 'idempotency-key': 'k-auth' })
  t.equal(accepted.statusCode, 201)
  t.notOk(accepted.headers[idempotencyReplayedHeader])
  t.equal(calls['things'], 1)
})

t.test('a POST to an unknown route records nothing', async (t) => {
  const { fastify, keys } = await harness(t)
  const res = await post(fastify, '/nowhere', {}, { 'idempotency-key': 'k-404' })
  t.equal(res.statusCode, 404)
  t.equal(keys.find(agency, 'k-404'), undefined)
})

t.test('after closing and reopening on the same file, the retry still replays', async (t) => {
  const first = await harness(t)
  const original = await post(first.fastify, '/things', { value: 21 }, { 'idempotency-key': 'k-restart' })
  const second = await first.reopen()
  const retry = await post(second.fastify, '/things', { value: 21 }, { 'idempotency-key': 'k-restart' })
  t.equal(retry.statusCode, 201)
  t.equal(retry.body, original.body)
  t.equal(retry.headers['location'], original.headers['location'])
  t.equal(retry.headers[idempotencyReplayedHeader], 'true')
  t.equal(second.calls['things'], undefined, 'the new process never ran the handler')
  t.equal((await post(second.fastify, '/things', { value: 22 }, { 'idempotency-key': 'k-restart' })).statusCode, 422)
})

t.test('an expired key is a new request', async (t) => {
  const { fastify, calls, clock } = await harness(t, undefined, 60 * 60 * 1000)
  const headers = { 'idempotency-key': 'k-expiring' }
  await post(fastify, '/things', { value: 1 }, headers)
  clock.set(new Date(Date.parse(midYear) + 59 * 60 * 1000))
  t.equal((await post(fastify, '/things', { value: 2 }, headers)).statusCode, 422, 'still remembered within the TTL')
  clock.set(new Date(Date.parse(midYear) + 60 * 60 * 1000))
  const after = await post(fastify, '/things', { value: 2 }, headers)
  t.equal(after.statusCode, 201)
  t.notOk(after.headers[idempotencyReplayedHeader])
  t.equal(calls['things'], 2)
})

// The real write route, over the real ledger (test/helpers/app.ts's `build`, on a file a test may reopen):
// nothing is appended twice, and a restart changes nothing.
const ledgerHarness = async (t: Test, file: string) => {
  const built = await build(t, { file, seed: false })
  const streamLength = async (targetId: string) => {
    let n = 0
    for await (const _ of built.store.readStream(targetStreamId(targetId))) n++
    return n
  }
  return { ...built, fastify: built.app, keys: built.idempotency, streamLength }
}

t.test('POST /v1/targets/:id/reports: ten sends, one across a restart, append one event and answer alike', async (t) => {
  const file = join(tempDir(t), 'ledger.db')
  const targetId = 'qingdao-etdz-projects-introduced'
  const url = `/v1/targets/${targetId}/reports`
  const report = { asOf: '2023-06-30', value: 21, note: '上半年引进亿元以上项目21个' }
  const headers = { 'idempotency-key': 'etdz-2023-06' }

  const before = await ledgerHarness(t, file)
  await seedCatalog(before.ledger, loadCatalog())
  const seeded = await before.streamLength(targetId)
  const bodies: string[] = []
  for (let i = 0; i < 9; i++) {
    const res = await post(before.fastify, url, report, headers)
    t.equal(res.statusCode, 201)
    t.equal(res.headers[idempotencyReplayedHeader], i === 0 ? undefined : 'true')
    bodies.push(res.body)
  }
  const etag = (await post(before.fastify, url, report, headers)).headers['etag']
  await before.close()

  const after = await ledgerHarness(t, file)
  const res = await post(after.fastify, url, report, headers)
  t.equal(res.statusCode, 201)
  t.equal(res.headers[idempotencyReplayedHeader], 'true')
  t.equal(res.headers['etag'], etag)
  bodies.push(res.body)
  t.equal(new Set(bodies).size, 1, 'identical bodies')
  t.equal(await after.streamLength(targetId), seeded + 1, 'exactly one event appended')

  const other = await post(after.fastify, url, { ...report, value: 22 }, headers)
  t.equal(other.statusCode, 422)
  t.equal(other.json().code, 'IDEMPOTENCY.KEY_REUSED')
  t.equal(await after.streamLength(targetId), seeded + 1, 'the reused key appended nothing')
})

t.test('a keyed write records its response in its own commit: one transaction and one WAL sync per write', async (t) => {
  const file = join(tempDir(t), 'ledger.db')
  const targetId = 'qingdao-etdz-projects-introduced'
  const { fastify, store, ledger, keys } = await ledgerHarness(t, file)
  await seedCatalog(ledger, loadCatalog())
  const group = SqliteGroupCommit.of(store.db)
  const before = { ...group.stats }
  const res = await post(fastify, `/v1/targets/${targetId}/reports`, { asOf: '2023-06-30', value: 21 }, { 'idempotency-key': 'one-commit' })
  t.equal(res.statusCode, 201)
  t.same(group.stats, { commits: before.commits + 1, syncs: before.syncs + 1 }, 'the record rode with the events')
  const record = keys.find(agency, 'one-commit')
  t.ok(record, 'and is there')
  t.equal(record!.status, 201)
  t.equal(record!.body.toString('utf8'), res.body, 'holding the bytes that were sent')
  t.same(record!.headers, { 'content-type': res.headers['content-type'], etag: res.headers['etag'], location: res.headers['location'] })
  // A refusal has no write to ride with: it is recorded in a commit of its own, before it is answered.
  const refused = await post(fastify, `/v1/targets/${targetId}/reports`, { asOf: '2099-01-01', value: 1 }, { 'idempotency-key': 'refused' })
  t.equal(refused.statusCode, 422)
  t.equal(group.stats.commits, before.commits + 2)
  t.equal(keys.find(agency, 'refused')?.status, 422)
})

t.test('a key past its TTL: another request under it is a write of its own; the same request again never appends twice', async (t) => {
  const { fastify, ledger, clock, streamLength } = await ledgerHarness(t, join(tempDir(t), 'ledger.db'))
  await seedCatalog(ledger, loadCatalog())
  const targetId = 'qingdao-etdz-projects-introduced'
  const url = `/v1/targets/${targetId}/reports`
  const monthly = { 'idempotency-key': 'etdz-monthly' }
  const june = { asOf: '2023-06-30', value: 21, note: '上半年引进亿元以上项目21个' }
  const first = await post(fastify, url, june, monthly)
  t.equal(first.statusCode, 201)
  const seeded = (await streamLength(targetId)) - 1
  const later = (hours: number) => clock.set(new Date(Date.parse(midYear) + hours * 60 * 60 * 1000))

  later(25)
  const july = await post(fastify, url, { ...june, value: 24, note: '截至7月引进24个' }, monthly)
  t.equal(july.statusCode, 201, 'another request under the expired key')
  t.notOk(july.headers[idempotencyReplayedHeader])
  t.not(july.json().reportId, first.json().reportId, 'is a report of its own')
  t.equal(await streamLength(targetId), seeded + 2)
  later(50)
  const again = await post(fastify, url, { ...june, value: 24, note: '截至7月引进24个' }, monthly)
  t.equal(again.statusCode, 201, 'the same request, its record expired: answered from the ledger')
  t.same(again.json().events, july.json().events, 'with the first write, not a second one')
  t.equal(await streamLength(targetId), seeded + 2)

  // A correction whose write has left the target's latest 64 keyed writes, sent again once its key expired.
  const reportId = first.json().reportId as string
  const correction = { value: 22, reason: '统计口径调整' }
  const fix = { 'idempotency-key': 'etdz-fix' }
  const corrected = await post(fastify, `${url}/${reportId}/corrections`, correction, fix)
  t.equal(corrected.statusCode, 201)
  for (let i = 0; i < 64; i++) {
    t.equal((await post(fastify, url, { asOf: '2023-06-30', value: 24, note: `第${i}次` }, { 'idempotency-key': `filler-${i}` })).statusCode, 201)
  }
  later(100)
  const length = await streamLength(targetId)
  const stale = await post(fastify, `${url}/${reportId}/corrections`, correction, fix)
  t.equal(stale.statusCode, 201, 'answered from the stream, as the first time')
  t.same(stale.json().events, corrected.json().events)
  t.equal(await streamLength(targetId), length, 'nothing appended')
})
