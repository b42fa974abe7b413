// Every write route and every status of DESIGN §5, each refusal checked to have appended nothing.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { loadCatalog } from '../../seeds/catalog-loader.js'
import { bearer, build } from '../helpers/app.js'

const catalog = loadCatalog()
const target = catalog.find((d) => d.id === 'qingdao-etdz-projects-introduced')!
const agency = 'agency-qingdao-etdz'
const reportsUrl = `/v1/targets/${target.id}/reports`

interface Ctx {
  app: FastifyInstance
  store: { headPosition(): Promise<bigint> }
}

const post = (app: FastifyInstance, url: string, as: string | null, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, payload: payload as object, headers: { ...(as ? bearer(as) : {}), ...headers } })

/** Sends a request that must be refused with `status` and `code`, and checks that nothing was appended. */
const refused = async (
  t: Test,
  { store }: Ctx,
  send: () => Promise<LightMyRequestResponse>,
  status: number,
  code?: string,
) => {
  const before = await store.headPosition()
  const res = await send()
  t.equal(res.statusCode, status, `answers ${status}`)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  if (code !== undefined) t.equal(res.json().code, code)
  t.equal(await store.headPosition(), before, 'nothing appended')
  return res
}

const report = async (ctx: Ctx, body: object = { asOf: '2023-06-30', value: 21 }) => {
  const res = await post(ctx.app, reportsUrl, agency, body)
  if (res.statusCode !== 201) throw new Error(`report failed: ${res.body}`)
  return res.json() as { reportId: string; revision: string }
}

t.test('an agency reports progress: 201 with the report id, ETag and Location, readable at once', async (t) => {
  const ctx = await build(t)
  const res = await post(ctx.app, reportsUrl, agency, { asOf: '2023-06-30', value: 21, note: '上半年引进21个' })
  t.equal(res.statusCode, 201)
  const body = res.json()
  t.match(body, { targetId: target.id, revision: '1', reportId: /^[0-9a-f-]{36}$/ })
  t.equal(body.events.length, 1)
  t.equal(body.events[0].type, 'ProgressReported')
  t.equal(res.headers.etag, '"1"')
  t.equal(res.headers.location, `/v1/targets/${target.id}`)
  const read = await ctx.app.inject({ url: `/v1/targets/${target.id}?asOf=2023-06-30`, headers: bearer('reader') })
  t.equal(read.json().reported.value, 21)
  t.equal(read.json().reported.reportId, body.reportId)
})

t.test('a correction and verdicts by auditors', async (t) => {
  const ctx = await build(t)
  const { reportId } = await report(ctx)
  const corrected = await post(ctx.app, `${reportsUrl}/${reportId}/corrections`, 'auditor-a', { value: 19, reason: '统计口径调整' })
  t.equal(corrected.statusCode, 201)
  t.equal(corrected.json().events[0].type, 'ReportCorrected')
  await refused(t, ctx, () => post(ctx.app, `${reportsUrl}/${reportId}/verdicts`, 'auditor-a', { verdict: 'accepted' }), 403, 'REPORT.OWN_REPORT_VERDICT')
  const accepted = await post(ctx.app, `${reportsUrl}/${reportId}/verdicts`, 'auditor-b', { verdict: 'accepted', comment: '与统计局数据一致' })
  t.equal(accepted.statusCode, 201)
  t.equal(accepted.json().events[0].type, 'ReportAccepted')
  await refused(t, ctx, () => post(ctx.app, `${reportsUrl}/${reportId}/verdicts`, 'auditor-b', { verdict: 'rejected', reason: 'x' }), 409, 'REPORT.ALREADY_DECIDED')
  const read = await ctx.app.inject({ url: `/v1/targets/${target.id}?asOf=2023-06-30`, headers: bearer('reader') })
  t.match(read.json(), { reported: { value: 19 }, verified: { value: 19 } })
})

t.test('a report pending at the close is still judged after it; nothing else is taken', async (t) => {
  const ctx = await build(t)
  const { reportId } = await report(ctx)
  t.equal((await post(ctx.app, `/v1/targets/${target.id}/close`, 'admin', { outcome: 'achieved', reason: '提前完成' })).statusCode, 201)
  await refused(t, ctx, () => post(ctx.app, `${reportsUrl}/${reportId}/corrections`, agency, { value: 22, reason: '补报' }), 409, 'TARGET.CLOSED')
  const accepted = await post(ctx.app, `${reportsUrl}/${reportId}/verdicts`, 'auditor-a', { verdict: 'accepted' })
  t.equal(accepted.statusCode, 201)
  const read = await ctx.app.inject({ url: `/v1/targets/${target.id}?asOf=2023-06-30`, headers: bearer('reader') })
  t.match(read.json(), { verified: { value: 21 } })
})

t.test('an admin defines, revises and closes a target', async (t) => {
  const ctx = await build(t, { seed: false })
  const defined = await post(ctx.app, '/v1/targets', 'admin', target)
  t.equal(defined.statusCode, 201)
  t.equal(defined.json().events[0].type, 'TargetDefined')
  await refused(t, ctx, () => post(ctx.app, '/v1/targets', 'admin', target), 409, 'TARGET.ALREADY_DEFINED')
  const revised = await post(ctx.app, `/v1/targets/${target.id}/revisions`, 'admin', {
    changes: { goal: 35 },
    effectiveFrom: '2023-07-01',
    reason: '年中调整',
    authority: '区人大常委会决议',
  })
  t.equal(revised.statusCode, 201)
  const closed = await post(ctx.app, `/v1/targets/${target.id}/close`, 'admin', { outcome: 'cancelled', reason: '项目调整' })
  t.equal(closed.statusCode, 201)
  await refused(t, ctx, () => post(ctx.app, reportsUrl, agency, { asOf: '2023-06-30', value: 1 }), 409, 'TARGET.CLOSED')
})

t.test('a definition without weight and pacing gets DESIGN §2 defaults, recorded in its event', async (t) => {
  const ctx = await build(t, { seed: false })
  const { weight: _weight, pacing: _pacing, ...bare } = target
  const defined = await post(ctx.app, '/v1/targets', 'admin', bare)
  t.equal(defined.statusCode, 201)
  const view = await ctx.app.inject({ method: 'GET', url: `/v1/targets/${target.id}`, headers: bearer('admin') })
  t.match(view.json().definition, { weight: 1, pacing: 'linear' })
  const events = await ctx.app.inject({ method: 'GET', url: `/v1/targets/${target.id}/history`, headers: bearer('auditor-a') })
  t.match(events.json().events[0], { type: 'TargetDefined', data: { weight: 1, pacing: 'linear' } })
  // Given, they are kept.
  const other = { ...target, id: 'etdz-projects-monthly', weight: 2, pacing: 'monthly' }
  t.equal((await post(ctx.app, '/v1/targets', 'admin', other)).statusCode, 201)
  const otherView = await ctx.app.inject({ method: 'GET', url: `/v1/targets/${other.id}`, headers: bearer('admin') })
  t.match(otherView.json().definition, { weight: 2, pacing: 'monthly' })
})

t.test('values, goals and weights too large for a float answer 422 and leave every read working', async (t) => {
  const ctx = await build(t)
  const growth = { ...target, id: 'etdz-growth-half', kind: 'growth', goal: 0.5 }
  await refused(t, ctx, () => post(ctx.app, '/v1/targets', 'admin', { ...growth, weight: 1e308 }), 422, 'TARGET.INVALID_DEFINITION')
  t.equal((await post(ctx.app, '/v1/targets', 'admin', growth)).statusCode, 201)
  await refused(t, ctx, () => post(ctx.app, `/v1/targets/${growth.id}/reports`, agency, { asOf: '2023-06-30', value: 1e308 }), 422, 'REPORT.VALUE_INVALID')
  for (const url of ['/v1/zones', '/v1/chapters', '/v1/targets', `/v1/targets/${growth.id}`, '/v1/zones/qingdao-etdz', '/v1/zones/qingdao-etdz/timeline']) {
    t.equal((await ctx.app.inject({ url, headers: bearer('reader') })).statusCode, 200, url)
  }
})

t.test('400: a lone surrogate in any string is no Unicode text, refused with its path before anything runs', async (t) => {
  const ctx = await build(t)
  const send = (url: string, json: string, headers: Record<string, string> = {}) => () =>
    ctx.app.inject({ method: 'POST', url, payload: json, headers: { ...bearer(agency), 'content-type': 'application/json', ...headers } })
  const res = await refused(t, ctx, send(reportsUrl, '{"asOf":"2023-03-31","value":1,"note":"a\\ud800b"}', { 'idempotency-key': 'lone' }), 400, 'REQUEST.INVALID')
  t.same(res.json().errors, [{ path: 'body.note', message: 'contains a lone UTF-16 surrogate: not Unicode text' }])
  const { reportId } = await report(ctx)
  await refused(t, ctx, send(`${reportsUrl}/${reportId}/corrections`, '{"value":22,"reason":"\\udfff"}'), 400, 'REQUEST.INVALID')
  await refused(t, ctx, send(reportsUrl, '{"asOf":"2023-03-31","value":1,"evidence":[{"title":"x\\ud83d","url":"https://example.org/a"}]}'), 400, 'REQUEST.INVALID')
  // A well-formed pair (an emoji) is text, and the key the refusal did not take is free.
  t.equal((await send(reportsUrl, '{"asOf":"2023-03-31","value":22,"note":"\\ud83d\\ude00"}', { 'idempotency-key': 'lone' })()).statusCode, 201)
})

t.test('400: schema violations name the field', async (t) => {
  const ctx = await build(t)
  const res = await refused(t, ctx, () => post(ctx.app, reportsUrl, agency, { asOf: '30/06/2023', value: 'many' }), 400, 'REQUEST.INVALID')
  t.same(res.json().errors.map((e: { path: string }) => e.path).sort(), ['body.asOf', 'body.value'])
  const extra = await refused(t, ctx, () => post(ctx.app, reportsUrl, agency, { asOf: '2023-06-30', value: 1, sneaky: true }), 400)
  t.match(extra.json().errors, [{ path: 'body' }])
  await refused(t, ctx, () => post(ctx.app, `${reportsUrl}/x/verdicts`, 'auditor-a', { verdict: 'rejected' }), 400)
  await refused(t, ctx, () => post(ctx.app, '/v1/targets/Not_A_Slug/reports', agency, { asOf: '2023-06-30', value: 1 }), 400)
  await refused(t, ctx, () => post(ctx.app, reportsUrl, agency, '{"asOf":', { 'content-type': 'application/json' }), 400)
  const cancel = await refused(t, ctx, () => post(ctx.app, `/v1/targets/${target.id}/close`, 'admin', { outcome: 'cancelled' }), 400, 'REQUEST.INVALID')
  t.match(cancel.json().errors, [{ path: 'body.reason', message: 'required when cancelling' }], 'a cancel without a reason, like every missing reason')
})

t.test('401: every write route needs a token', async (t) => {
  const ctx = await build(t)
  for (const url of [
    '/v1/targets',
    reportsUrl,
    `${reportsUrl}/r/corrections`,
    `${reportsUrl}/r/verdicts`,
    `/v1/targets/${target.id}/revisions`,
    `/v1/targets/${target.id}/close`,
  ]) {
    await refused(t, ctx, () => post(ctx.app, url, null, {}), 401)
  }
})

t.test('403: wrong role, other zone', async (t) => {
  const ctx = await build(t)
  await refused(t, ctx, () => post(ctx.app, reportsUrl, 'reader', { asOf: '2023-06-30', value: 1 }), 403, 'ACTOR.ROLE_NOT_ALLOWED')
  await refused(t, ctx, () => post(ctx.app, reportsUrl, 'agency-dongjiakou', { asOf: '2023-06-30', value: 1 }), 403, 'ACTOR.ZONE_NOT_ALLOWED')
  await refused(t, ctx, () => post(ctx.app, '/v1/targets', agency, { ...target, id: 'new-target' }), 403, 'ACTOR.ROLE_NOT_ALLOWED')
  const badDefinition = { ...target, id: 'new-target', zoneId: 'no-such-zone', source: { ...target.source, quote: '不在报告里的话' } }
  await refused(t, ctx, () => post(ctx.app, '/v1/targets', agency, badDefinition), 403, 'ACTOR.ROLE_NOT_ALLOWED')
  await refused(t, ctx, () => post(ctx.app, `/v1/targets/${target.id}/close`, 'auditor-a', { outcome: 'achieved' }), 403)
})

t.test('404: unknown target or report', async (t) => {
  const ctx = await build(t)
  await refused(t, ctx, () => post(ctx.app, '/v1/targets/no-such-target/reports', agency, { asOf: '2023-06-30', value: 1 }), 404, 'TARGET.NOT_FOUND')
  await refused(t, ctx, () => post(ctx.app, `${reportsUrl}/no-such-report/verdicts`, 'auditor-a', { verdict: 'accepted' }), 404, 'REPORT.NOT_FOUND')
})

t.test('412: If-Match names another revision; 400 when it is malformed', async (t) => {
  const ctx = await build(t)
  await refused(t, ctx, () => post(ctx.app, reportsUrl, agency, { asOf: '2023-06-30', value: 1 }, { 'if-match': '"7"' }), 412, 'TARGET.PRECONDITION_FAILED')
  await refused(t, ctx, () => post(ctx.app, reportsUrl, agency, { asOf: '2023-06-30', value: 1 }, { 'if-match': 'seven' }), 400)
  const ok = await post(ctx.app, reportsUrl, agency, { asOf: '2023-06-30', value: 1 }, { 'if-match': '"0"' })
  t.equal(ok.statusCode, 201, 'the current revision lets the write through')
})

t.test('If-Match as RFC 9110 has it: lists, *, strong comparison, and a 404 before a 412', async (t) => {
  const ctx = await build(t)
  const write = (ifMatch: string, asOf = '2023-06-30') => post(ctx.app, reportsUrl, agency, { asOf, value: 1 }, { 'if-match': ifMatch })
  await refused(t, ctx, () => write('W/"0"'), 412, 'TARGET.PRECONDITION_FAILED')
  await refused(t, ctx, () => write('"00"'), 412, 'TARGET.PRECONDITION_FAILED')
  t.equal((await write('"5", "0"')).statusCode, 201, 'the current revision among others')
  t.equal((await write('*', '2023-07-01')).statusCode, 201, '* : the target exists')
  await refused(t, ctx, () => post(ctx.app, '/v1/targets', 'admin', { ...target, id: 'new-target' }, { 'if-match': '*' }), 412, 'TARGET.PRECONDITION_FAILED')
  await refused(t, ctx, () => post(ctx.app, '/v1/targets/no-such-target/reports', agency, { asOf: '2023-06-30', value: 1 }, { 'if-match': '"0"' }), 404, 'TARGET.NOT_FOUND')
})

t.test('413 and 415', async (t) => {
  const ctx = await build(t)
  const big = { asOf: '2023-06-30', value: 1, note: 'x'.repeat(70 * 1024) }
  await refused(t, ctx, () => post(ctx.app, reportsUrl, agency, big), 413)
  await refused(t, ctx, () => post(ctx.app, reportsUrl, agency, 'asOf=2023-06-30', { 'content-type': 'application/x-www-form-urlencoded' }), 415)
})

t.test('422: rules of the domain', async (t) => {
  const ctx = await build(t)
  await refused(t, ctx, () => post(ctx.app, reportsUrl, agency, { asOf: '2023-08-01', value: 1 }), 422, 'REPORT.AS_OF_IN_FUTURE')
  await refused(t, ctx, () => post(ctx.app, reportsUrl, agency, { asOf: '2022-12-31', value: 1 }), 422, 'REPORT.AS_OF_OUTSIDE_PERIOD')
  await report(ctx, { asOf: '2023-05-31', value: 20 })
  await refused(t, ctx, () => post(ctx.app, reportsUrl, agency, { asOf: '2023-06-30', value: 18 }), 422, 'REPORT.DECREASE_NEEDS_REASON')
  const quote = { ...target, id: 'made-up', source: { ...target.source, quote: '引进亿元以上项目99个' } }
  await refused(t, ctx, () => post(ctx.app, '/v1/targets', 'admin', quote), 422, 'TARGET.QUOTE_NOT_IN_SOURCE')
  const nowhere = await refused(t, ctx, () => post(ctx.app, '/v1/targets', 'admin', { ...target, id: 'nowhere-target', zoneId: 'nowhere' }), 422, 'TARGET.UNKNOWN_ZONE')
  t.same(nowhere.json().errors, [{ path: 'body.zoneId', message: 'not a zone of the report' }])
  await refused(t, ctx, () => post(ctx.app, '/v1/targets', 'admin', { ...target, id: 'nochapter-target', chapter: 'nochapter' }), 422, 'TARGET.UNKNOWN_CHAPTER')
})
