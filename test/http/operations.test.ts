import t from 'tap'
import { bearer, build } from '../helpers/app.js'

t.test('GET /health answers ok', async (t) => {
  const { app } = await build(t, { seed: false })
  const res = await app.inject({ method: 'GET', url: '/health' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
  t.ok(res.headers['x-request-id'], 'every response carries its request id')
})

t.test('GET /ready reports the store head position', async (t) => {
  const { app, store } = await build(t)
  const res = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(res.statusCode, 200)
  const head = (await store.headPosition()).toString()
  t.same(res.json(), {
    status: 'ready',
    store: { ok: true, headPosition: head },
    projections: { ok: true, state: 'live', position: head, lag: '0' },
  })
  t.not(res.json().store.headPosition, '0', 'seeding appended events')
})

t.test('GET /ready answers 503 while the projector is not live, and names its state', async (t) => {
  const { app, projector } = await build(t)
  await projector.stop()
  const res = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(res.statusCode, 503)
  t.equal(res.json().status, 'unavailable')
  t.equal(res.json().store.ok, true, 'the store itself answers')
  t.match(res.json().projections, { ok: false, state: 'stopped' })
})

t.test('GET /ready answers 503 when the store is closed', async (t) => {
  const { app, store } = await build(t, { seed: false })
  await store.close()
  const res = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(res.statusCode, 503)
  t.equal(res.json().status, 'unavailable')
})

t.test('a request id sent by the client is echoed back', async (t) => {
  const { app } = await build(t, { seed: false })
  const res = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'abc-123' } })
  t.equal(res.headers['x-request-id'], 'abc-123')
  // Anything else (it would be hashed into the audit trail as the events' correlationId) gets a UUID.
  for (const odd of ['x'.repeat(129), 'has space', '<script>', '']) {
    const replaced = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': odd } })
    t.match(replaced.headers['x-request-id'], /^[0-9a-f-]{36}$/, JSON.stringify(odd.slice(0, 20)))
  }
})

t.test('/docs serves the Swagger UI and the OpenAPI document lists the routes', async (t) => {
  const { app } = await build(t, { seed: false })
  const page = await app.inject({ method: 'GET', url: '/docs/' })
  t.equal(page.statusCode, 200)
  t.match(page.body, /swagger/i)
  const doc = await app.inject({ method: 'GET', url: '/docs/json' })
  t.equal(doc.statusCode, 200)
  const spec = doc.json()
  t.equal(spec.openapi, '3.1.0')
  t.ok(spec.paths['/v1/targets'], 'lists GET /v1/targets')
  t.ok(spec.paths['/v1/targets/{id}'], 'lists GET /v1/targets/{id}')
  t.ok(spec.components.schemas.TargetView, 'names the TargetView schema')
})

t.test('the access log has one line per request, with its id, outcome and, for a write, the target and revision', async (t) => {
  const lines: Record<string, unknown>[] = []
  const stream = { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }
  const { app } = await build(t, { logger: { level: 'info', stream } })
  const targetId = 'qingdao-etdz-projects-introduced'
  const before = lines.length
  const res = await app.inject({
    method: 'POST',
    url: `/v1/targets/${targetId}/reports`,
    headers: { ...bearer('agency-qingdao-etdz'), 'content-type': 'application/json' },
    payload: { asOf: '2023-06-30', value: 21 },
  })
  t.equal(res.statusCode, 201)
  const logged = lines.slice(before)
  t.equal(logged.length, 1, 'one line')
  t.match(logged[0], {
    level: 30,
    msg: 'request completed',
    reqId: res.headers['x-request-id'],
    method: 'POST',
    url: `/v1/targets/${targetId}/reports`,
    statusCode: 201,
    responseTime: Number,
    targetId,
    revision: res.json().revision,
    position: res.json().position,
    replayed: false,
  })
  await app.inject({ method: 'GET', url: '/v1/zones', headers: bearer('agency-qingdao-etdz') })
  t.match(lines.slice(before + 1), [{ msg: 'request completed', method: 'GET', url: '/v1/zones', statusCode: 200 }], 'a read: one line, no write fields')
  t.notOk('targetId' in lines[lines.length - 1]!)
})
