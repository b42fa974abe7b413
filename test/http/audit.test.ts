// The audit endpoints over HTTP: who may call them, the digest formula as documented, receipts that
// still hold after the log grows, and receipts that were altered.
import { createHash } from 'node:crypto'
import t from 'tap'
import { bearer, build } from '../helpers/app.js'
import { checkReceipt, digest, givenReports, headOf, tamper, X, Y, type ReceiptJson } from '../audit/helpers/ledger-scenario.js'

const routes = [
  { method: 'GET', url: '/v1/audit/verify' },
  { method: 'GET', url: '/v1/audit/digest' },
  { method: 'POST', url: '/v1/audit/digest/verify' },
] as const

t.test('audit routes: auditors and admins only, a token needed even with PUBLIC_READ', async (t) => {
  const { app } = await build(t, { publicRead: true })
  const receipt = await digest(app)
  for (const { method, url } of routes) {
    const payload = method === 'POST' ? receipt : undefined
    const anonymous = await app.inject({ method, url, payload })
    t.equal(anonymous.statusCode, 401, `${method} ${url} without a token`)
    t.match(anonymous.headers['www-authenticate'], /^Bearer realm=/)
    for (const id of ['reader', 'agency-qingdao-etdz']) {
      const refused = await app.inject({ method, url, headers: bearer(id), payload })
      t.equal(refused.statusCode, 403, `${method} ${url} as ${id}`)
      t.equal(refused.json().code, 'ACTOR.ROLE_NOT_ALLOWED')
    }
    for (const id of ['auditor-b', 'admin']) {
      t.equal((await app.inject({ method, url, headers: bearer(id), payload })).statusCode, 200, `${method} ${url} as ${id}`)
    }
  }
})

t.test('the digest is sha256 over the documented canonical JSON, recomputable by hand', async (t) => {
  const { app, store } = await build(t)
  await givenReports(app)
  const receipt = await digest(app)
  t.equal(receipt.position, String(await store.headPosition()))
  t.ok(receipt.createdAt)
  const ids = receipt.streams.map((s) => s.streamId)
  t.same(ids, [...ids].sort(), 'streams sorted by id')
  t.match(headOf(receipt, X), { revision: '3' })
  // Compact JSON, keys in sorted order, every value a string: what `jq -cjS` prints.
  const canonical =
    `{"position":"${receipt.position}","streams":[` +
    receipt.streams.map((s) => `{"hash":"${s.hash}","revision":"${s.revision}","streamId":"${s.streamId}"}`).join(',') +
    ']}'
  t.equal(receipt.digest, createHash('sha256').update(canonical).digest('hex'))
})

t.test('a receipt as of an earlier position: heads there, and the grown log still extends it', async (t) => {
  const { app } = await build(t)
  const beforeReports = await digest(app)
  await givenReports(app)
  const earlier = await digest(app, `?position=${beforeReports.position}`)
  t.same({ ...earlier, createdAt: undefined }, { ...beforeReports, createdAt: undefined }, 'the same heads as when it was the head')
  t.match(await checkReceipt(app, beforeReports), { extends: true, differences: [] })
})

t.test('a position beyond the head is a 422', async (t) => {
  const { app, store } = await build(t)
  const res = await app.inject({
    method: 'GET',
    url: `/v1/audit/digest?position=${(await store.headPosition()) + 1n}`,
    headers: bearer('auditor-a'),
  })
  t.equal(res.statusCode, 422)
  t.equal(res.json().code, 'LEDGER.POSITION_AHEAD')
})

t.test('a broken log gets no receipt: 409 naming the break', async (t) => {
  const { app, file } = await build(t)
  await givenReports(app)
  tamper(file, `UPDATE events SET data = json_set(data, '$.value', 99) WHERE stream_id = ? AND revision = 1`, X)
  const res = await app.inject({ method: 'GET', url: '/v1/audit/digest', headers: bearer('auditor-a') })
  t.equal(res.statusCode, 409)
  t.match(res.json(), { code: 'LEDGER.BROKEN', details: { stream: X, revision: '1', reason: 'hash_mismatch' } })
})

t.test('a receipt whose hash was altered: reported as not intact, and the stream it names as differing', async (t) => {
  const { app } = await build(t)
  await givenReports(app)
  const receipt = await digest(app)
  const forged: ReceiptJson = {
    ...receipt,
    streams: receipt.streams.map((s) => (s.streamId === Y ? { ...s, hash: 'f'.repeat(64) } : s)),
  }
  const check = await checkReceipt(app, forged)
  t.match(check, { extends: false, receiptIntact: false })
  t.same(check.differences, [
    { streamId: Y, problem: 'rewritten', receipt: { revision: '1', hash: 'f'.repeat(64) }, current: headOf(receipt, Y) },
  ])
})

t.test('a receipt whose digest alone was altered: not intact, the log itself matches', async (t) => {
  const { app } = await build(t)
  const receipt = await digest(app)
  const check = await checkReceipt(app, { ...receipt, digest: '0'.repeat(64) })
  t.same(check, { extends: false, receiptIntact: false, headPosition: receipt.position, differences: [] })
})

t.test('a receipt that leaves out a stream: the stream shows as backdated', async (t) => {
  const { app } = await build(t)
  await givenReports(app)
  const receipt = await digest(app)
  const check = await checkReceipt(app, { ...receipt, streams: receipt.streams.filter((s) => s.streamId !== X) })
  t.match(check, { extends: false, receiptIntact: false })
  t.same(check.differences, [{ streamId: X, problem: 'backdated', current: headOf(receipt, X) }])
})

t.test('a malformed receipt is a 400 with field paths', async (t) => {
  const { app } = await build(t)
  const receipt = await digest(app)
  const twice = { ...receipt, streams: [...receipt.streams, receipt.streams[0]!] }
  const res = await app.inject({ method: 'POST', url: '/v1/audit/digest/verify', headers: bearer('auditor-a'), payload: twice })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { code: 'REQUEST.INVALID', errors: [{ path: 'body.streams' }] })
  const bad = await app.inject({
    method: 'POST',
    url: '/v1/audit/digest/verify',
    headers: bearer('auditor-a'),
    payload: { ...receipt, position: '-1', digest: 'xyz' },
  })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().errors, [{ path: 'body.position' }, { path: 'body.digest' }])
})

t.test('verify requests that arrive while a walk runs share it; a later one walks again', async (t) => {
  const { app, store } = await build(t)
  const readAll = store.readAll.bind(store)
  let walks = 0
  // Each walk first waits a while, so the three requests below surely arrive while the first one runs.
  store.readAll = (options) => {
    walks += 1
    return (async function* () {
      await new Promise((resolve) => setTimeout(resolve, 300))
      yield* readAll(options)
    })()
  }
  const verify = () => app.inject({ method: 'GET', url: '/v1/audit/verify', headers: bearer('auditor-a') })
  const together = await Promise.all([verify(), verify(), verify()])
  t.same(together.map((res) => res.statusCode), [200, 200, 200])
  t.equal(new Set(together.map((res) => res.body)).size, 1, 'one answer')
  t.equal(walks, 1, 'one walk of the log for three requests')
  await givenReports(app)
  const later = await verify()
  t.equal(walks, 2, 'a request after the walk ended starts a new one')
  t.not(later.json().position, together[0]!.json().position, 'and sees the log as it is now')
})
