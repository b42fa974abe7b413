// Limits every request meets: security headers, the per-principal rate limit, 64 KiB JSON bodies,
// and no internals in any answer.
import { connect, type AddressInfo } from 'node:net'
import t from 'tap'
import { parseConfig } from '../../src/config.js'
import { bodyLimit, createFastify } from '../../src/http/server.js'
import { helmetHeaders } from '../../src/http/security-headers.js'
import { bearer, build } from '../helpers/app.js'

const reportUrl = '/v1/targets/qingdao-etdz-projects-introduced/reports'
const report = { asOf: '2023-06-30', value: 21 }
const agency = bearer('agency-qingdao-etdz')

const head = async (store: { headPosition(): Promise<bigint> }) => (await store.headPosition()).toString()

t.test('rate limit configuration', async (t) => {
  t.match(parseConfig({}), { RATE_LIMIT_MAX: 600, RATE_LIMIT_WINDOW: 60_000 })
  t.equal(parseConfig({ RATE_LIMIT_WINDOW: '30s' }).RATE_LIMIT_WINDOW, 30_000)
  t.equal(parseConfig({ RATE_LIMIT_WINDOW: '2 hours' }).RATE_LIMIT_WINDOW, 7_200_000)
  t.equal(parseConfig({ RATE_LIMIT_WINDOW: '500ms' }).RATE_LIMIT_WINDOW, 500)
  t.equal(parseConfig({ RATE_LIMIT_WINDOW: '1d' }).RATE_LIMIT_WINDOW, 86_400_000, 'the same units as IDEMPOTENCY_TTL')
  t.equal(parseConfig({ RATE_LIMIT_MAX: '20' }).RATE_LIMIT_MAX, 20)
  for (const window of ['60', '0 minutes', 'a minute', '1 fortnight']) {
    t.throws(() => parseConfig({ RATE_LIMIT_WINDOW: window }), { name: 'ConfigError', message: /RATE_LIMIT_WINDOW: must be a duration/ }, window)
  }
  t.throws(() => parseConfig({ RATE_LIMIT_MAX: '0' }), { message: /RATE_LIMIT_MAX/ })
})

t.test('security headers', async (t) => {
  const { app } = await build(t, { seed: false })

  t.test('on API answers, errors included', async (t) => {
    for (const res of [
      await app.inject({ method: 'GET', url: '/v1/targets', headers: bearer('reader') }),
      await app.inject({ method: 'GET', url: '/v1/targets' }),
      await app.inject({ method: 'GET', url: '/v1/no-such-route', headers: bearer('reader') }),
    ]) {
      t.equal(res.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'", `${res.statusCode}: nothing may load, run or frame`)
      t.equal(res.headers['x-content-type-options'], 'nosniff')
      t.equal(res.headers['x-frame-options'], 'DENY')
      t.match(res.headers['strict-transport-security'], /max-age=\d+/)
      t.equal(res.headers['referrer-policy'], 'no-referrer')
      t.equal(res.headers['cross-origin-resource-policy'], 'same-origin')
      t.notOk(res.headers['x-powered-by'])
    }
  })

  t.test('the docs page loads its scripts and styles under its own policy', async (t) => {
    const page = await app.inject({ method: 'GET', url: '/docs/' })
    t.equal(page.statusCode, 200)
    const csp = String(page.headers['content-security-policy'])
    t.match(csp, /script-src 'self';/)
    t.match(csp, /default-src 'self';/)
    t.notMatch(csp, /upgrade-insecure-requests/, 'plain-HTTP demo: the browser must not move the UI’s files to https')
    t.notMatch(csp, /unsafe-eval/)
    t.notMatch(page.body, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script, so script-src self covers all of them')
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => new URL(match[1]!, 'http://localhost/docs/').pathname)
    t.ok(assets.length >= 5, `the page names its assets: ${assets.join(', ')}`)
    for (const url of assets) {
      const res = await app.inject({ method: 'GET', url })
      t.equal(res.statusCode, 200, url)
      t.match(res.headers['content-type'], /javascript|css|image/, url)
    }
    const spec = await app.inject({ method: 'GET', url: '/docs/json' })
    t.equal(spec.statusCode, 200)
    t.same(spec.json().components.securitySchemes.bearer, { ...spec.json().components.securitySchemes.bearer, type: 'http', scheme: 'bearer' })
  })
})

t.test('rate limit', async (t) => {
  const window = { max: 3, timeWindowMs: 60_000 }

  t.test('a principal over the limit gets a 429 with Retry-After; another principal does not', async (t) => {
    const { app } = await build(t, { seed: false, rateLimit: window })
    for (let i = 0; i < 3; i++) {
      const res = await app.inject({ method: 'GET', url: '/v1/targets', headers: bearer('reader') })
      t.equal(res.statusCode, 200)
      t.equal(res.headers['x-ratelimit-remaining'], String(2 - i))
    }
    const limited = await app.inject({ method: 'GET', url: '/v1/targets', headers: bearer('reader') })
    t.equal(limited.statusCode, 429)
    t.match(limited.headers['content-type'], /^application\/problem\+json/)
    t.match(limited.json(), { status: 429, code: 'REQUEST.RATE_LIMITED', title: 'Too Many Requests' })
    const retryAfter = Number(limited.headers['retry-after'])
    t.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 60, `Retry-After in seconds: ${limited.headers['retry-after']}`)

    t.equal((await app.inject({ method: 'GET', url: '/v1/targets', headers: bearer('auditor-a') })).statusCode, 200, 'auditor-a has its own budget')
    t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200, 'probes are not limited')
  })

  t.test('a rate-limited write appends nothing', async (t) => {
    const { app, store } = await build(t, { rateLimit: { max: 1, timeWindowMs: 60_000 } })
    t.equal((await app.inject({ method: 'POST', url: reportUrl, payload: report, headers: agency })).statusCode, 201)
    const before = await head(store)
    const res = await app.inject({ method: 'POST', url: reportUrl, payload: { ...report, value: 22 }, headers: agency })
    t.equal(res.statusCode, 429)
    t.equal(await head(store), before)
  })

  t.test('requests with a bad token count against their address', async (t) => {
    const { app } = await build(t, { seed: false, rateLimit: window })
    const bad = { authorization: 'Bearer guessing' }
    for (let i = 0; i < 3; i++) t.equal((await app.inject({ method: 'GET', url: '/v1/targets', headers: bad })).statusCode, 401)
    t.equal((await app.inject({ method: 'GET', url: '/v1/targets', headers: bad })).statusCode, 429, 'guessing tokens is limited')
    t.equal((await app.inject({ method: 'GET', url: '/v1/targets' })).statusCode, 429, 'anonymous callers share their address’s budget')
    t.equal((await app.inject({ method: 'GET', url: '/v1/targets', headers: bearer('reader') })).statusCode, 200, 'a principal is not')
  })
})

t.test('bodies', async (t) => {
  t.test(`a body over ${bodyLimit} bytes is a 413 problem and appends nothing`, async (t) => {
    const { app, store } = await build(t)
    const before = await head(store)
    const res = await app.inject({ method: 'POST', url: reportUrl, payload: { ...report, note: 'x'.repeat(bodyLimit) }, headers: agency })
    t.equal(res.statusCode, 413)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.match(res.json(), { status: 413, code: 'REQUEST.BODY_TOO_LARGE' })
    t.equal(await head(store), before)
  })

  t.test('an anonymous large body is refused before it is read', async (t) => {
    const { app } = await build(t, { seed: false })
    const res = await app.inject({ method: 'POST', url: reportUrl, payload: { note: 'x'.repeat(bodyLimit * 4) } })
    t.equal(res.statusCode, 401)
  })

  t.test('a body that is not JSON is a 415 problem and appends nothing', async (t) => {
    const { app, store } = await build(t)
    const before = await head(store)
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
      const res = await app.inject({
        method: 'POST',
        url: reportUrl,
        payload: JSON.stringify(report),
        headers: { ...agency, 'content-type': contentType },
      })
      t.equal(res.statusCode, 415, contentType)
      t.match(res.headers['content-type'], /^application\/problem\+json/)
      t.match(res.json(), { status: 415, code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', detail: /application\/json/ })
    }
    t.equal(await head(store), before)
  })

  t.test('application/json with a charset is JSON', async (t) => {
    const { app } = await build(t)
    const res = await app.inject({
      method: 'POST',
      url: reportUrl,
      payload: JSON.stringify(report),
      headers: { ...agency, 'content-type': 'application/json; charset=utf-8' },
    })
    t.equal(res.statusCode, 201)
  })
})

t.test('an internal error says nothing of the internals', async (t) => {
  const { app, store } = await build(t)
  await store.close()
  const res = await app.inject({ method: 'GET', url: '/v1/targets', headers: bearer('reader') })
  t.equal(res.statusCode, 500)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  const body = res.json()
  t.same(Object.keys(body).sort(), ['code', 'detail', 'status', 'title', 'type'])
  t.match(body, { code: 'INTERNAL', detail: `Something went wrong on our side; quote request id ${res.headers['x-request-id']}.` })
  t.notMatch(res.body, /database|sqlite|not open|stack|\bat \S+ \(|\.[tj]s\b/i, 'no message, stack or file names')
})

t.test('TRUST_PROXY decides whose address request.ip (the anonymous rate-limit key) is', async (t) => {
  t.equal(parseConfig({}).TRUST_PROXY, false)
  t.equal(parseConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY, true)
  t.equal(parseConfig({ TRUST_PROXY: '1' }).TRUST_PROXY, 1)
  t.equal(parseConfig({ TRUST_PROXY: '10.0.0.0/8,127.0.0.1' }).TRUST_PROXY, '10.0.0.0/8,127.0.0.1')
  const ipWith = async (trust: Parameters<typeof createFastify>[1]) => {
    const fastify = createFastify(false, trust)
    fastify.get('/ip', async (request) => request.ip)
    t.teardown(() => fastify.close())
    const res = await fastify.inject({
      url: '/ip',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': '198.51.100.7, 203.0.113.9' },
    })
    return res.body
  }
  t.equal(await ipWith(false), '127.0.0.1', 'by default the socket’s address: the proxy')
  t.equal(await ipWith(1), '203.0.113.9', 'one hop: the address the proxy saw')
  t.equal(await ipWith(2), '198.51.100.7', 'two hops')
  t.equal(await ipWith('127.0.0.1'), '203.0.113.9', 'a trusted proxy address')
  t.equal(await ipWith('10.0.0.1'), '127.0.0.1', 'an untrusted proxy is not believed')
})

t.test('security headers are helmet’s, worked out once per configuration', async (t) => {
  const headers = helmetHeaders({ contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"] } }, frameguard: { action: 'deny' } })
  t.equal(headers['content-security-policy'], "default-src 'none'")
  t.equal(headers['x-frame-options'], 'DENY')
  t.equal(headers['x-content-type-options'], 'nosniff', 'with helmet’s defaults for the rest')
  t.ok(Object.isFrozen(headers), 'shared by every reply, so nobody may change them')
  t.throws(
    () => helmetHeaders({ contentSecurityPolicy: { directives: { scriptSrc: [() => "'nonce-abc'"] } } }),
    { name: 'TypeError', message: /must not hold functions/ },
    'a header that depends on the request cannot be computed once',
  )
})

t.test('what Node’s parser refuses before fastify sees it answers as problem+json too: 431 for oversized headers, 400 for bytes that are not HTTP', async (t) => {
  const fastify = createFastify(false)
  fastify.get('/ping', async () => 'pong')
  await fastify.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => fastify.close())
  const { port } = fastify.server.address() as AddressInfo
  const send = (raw: string) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = []
      const socket = connect(port, '127.0.0.1', () => socket.end(raw))
      socket.on('data', (chunk) => chunks.push(chunk))
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')))
      socket.on('error', reject)
    })
  const answer = (raw: string) => {
    const [head = '', body = ''] = raw.split('\r\n\r\n')
    return { statusLine: head.split('\r\n')[0], contentType: /content-type: (.*)/i.exec(head)?.[1], problem: JSON.parse(body) as Record<string, unknown> }
  }
  const oversized = answer(await send(`GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`))
  t.equal(oversized.statusLine, 'HTTP/1.1 431 Request Header Fields Too Large')
  t.match(oversized.contentType, /^application\/problem\+json/)
  t.match(oversized.problem, { status: 431, code: 'REQUEST.HEADERS_TOO_LARGE' })
  const garbage = answer(await send('NOT HTTP AT ALL\r\n\r\n'))
  t.equal(garbage.statusLine, 'HTTP/1.1 400 Bad Request')
  t.match(garbage.problem, { status: 400, code: 'REQUEST.MALFORMED_HTTP' })
})
