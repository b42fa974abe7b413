// The read API over HTTP (DESIGN §5): read-your-writes, rankings, timelines, audit trails, the feed,
// both kinds of time, conditional GETs and CSV exports, all from the projector's read models.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { loadCatalog } from '../../seeds/catalog-loader.js'
import { zones } from '../../seeds/zones.js'
import { generateDemoHistory } from '../../src/ledger/demo-history.js'
import { loadDemoHistory } from '../../src/ledger/demo-loader.js'
import { bearer, build } from '../helpers/app.js'

const catalog = loadCatalog()
const target = 'qingdao-etdz-projects-introduced' // reach, goal 39, zone qingdao-etdz
const agency = 'agency-qingdao-etdz'

const get = (app: FastifyInstance, url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers: { ...bearer('reader'), ...headers } })

const post = async (app: FastifyInstance, url: string, who: string, payload: object) => {
  const res = await app.inject({ method: 'POST', url, headers: bearer(who), payload })
  if (res.statusCode !== 201) throw new Error(`POST ${url} → ${res.statusCode} ${res.body}`)
  return res.json()
}

const report = (app: FastifyInstance, asOf: string, value: number, extra: object = {}) =>
  post(app, `/v1/targets/${target}/reports`, agency, { asOf, value, ...extra })

t.test('a POST followed at once by a GET of the same target shows the new value', async (t) => {
  const { app } = await build(t)
  for (const [asOf, value] of [['2023-03-31', 9], ['2023-06-30', 21], ['2023-07-14', 24]] as const) {
    await report(app, asOf, value)
    const read = (await get(app, `/v1/targets/${target}`)).json()
    t.equal(read.reported.value, value, `${asOf}: the target shows ${value}`)
    const listed = (await get(app, `/v1/targets?zone=qingdao-etdz`)).json().targets.find((one: { id: string }) => one.id === target)
    t.equal(listed.reported.value, value, `${asOf}: the list shows ${value}`)
  }
})

t.test('GET /v1/zones ranks every zone with targets, 1..n, completion descending', async (t) => {
  const { app } = await build(t)
  await report(app, '2023-06-30', 39)
  const res = await get(app, '/v1/zones?asOf=2023-07-01')
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body, { asOf: '2023-07-01', knownAt: null })
  t.match(body.position, /^\d+$/)
  const zoneIds = new Set(catalog.map((definition) => definition.zoneId))
  t.same(body.zones.map((zone: { groupId: string }) => zone.groupId).sort(), [...zoneIds].sort())
  t.same(body.zones.map((zone: { rank: number }) => zone.rank), body.zones.map((_: unknown, i: number) => i + 1))
  const etdz = body.zones.find((zone: { groupId: string }) => zone.groupId === 'qingdao-etdz')
  t.same(etdz.name, zones.find((zone) => zone.id === 'qingdao-etdz')!.name)
  const targets = catalog.filter((definition) => definition.zoneId === 'qingdao-etdz')
  const weight = targets.reduce((sum, definition) => sum + definition.weight, 0)
  const introduced = catalog.find((definition) => definition.id === target)!
  t.equal(etdz.completion, introduced.weight / weight, 'one target at 39/39, the others at 0')
  t.equal(etdz.rank, 1, 'the only zone with progress ranks first')
})

t.test('GET /v1/zones/:zoneId lists its targets; an unknown zone is a 404 problem', async (t) => {
  const { app } = await build(t)
  const body = (await get(app, '/v1/zones/qingdao-etdz?asOf=2023-07-01')).json()
  t.equal(body.zone.groupId, 'qingdao-etdz')
  t.same(
    body.targets.map((one: { id: string }) => one.id),
    catalog.filter((definition) => definition.zoneId === 'qingdao-etdz').map((definition) => definition.id),
  )
  const missing = await get(app, '/v1/zones/atlantis')
  t.equal(missing.statusCode, 404)
  t.match(missing.headers['content-type'], /^application\/problem\+json/)
  t.equal(missing.json().code, 'ZONE.NOT_FOUND')
  t.equal((await get(app, '/v1/zones/atlantis/timeline')).statusCode, 404)
  t.equal((await get(app, '/v1/chapters/atlantis')).json().code, 'CHAPTER.NOT_FOUND')
})

t.test('GET /v1/chapters rolls the same formula up by report chapter', async (t) => {
  const { app } = await build(t)
  const body = (await get(app, '/v1/chapters?asOf=2023-07-01')).json()
  t.same(body.chapters.map((chapter: { groupId: string }) => chapter.groupId).sort(), [...new Set(catalog.map((d) => d.chapter))].sort())
  const one = (await get(app, `/v1/chapters/${body.chapters[0].groupId}?asOf=2023-07-01`)).json()
  t.equal(one.chapter.groupId, body.chapters[0].groupId)
  t.equal(one.targets.length, catalog.filter((definition) => definition.chapter === body.chapters[0].groupId).length)
})

t.test('GET /v1/zones/:zoneId/timeline: one point per month end, then asOf', async (t) => {
  const { app } = await build(t)
  await report(app, '2023-03-31', 39)
  const body = (await get(app, '/v1/zones/qingdao-etdz/timeline?asOf=2023-07-15')).json()
  t.same(
    body.points.map((point: { date: string }) => point.date),
    ['2023-01-31', '2023-02-28', '2023-03-31', '2023-04-30', '2023-05-31', '2023-06-30', '2023-07-15'],
  )
  t.equal(body.points[1].completion, 0, 'nothing before the report’s effective date')
  t.ok(body.points[2].completion > 0, 'the report counts from its effective date on')
  t.ok(body.points[6].expected > body.points[0].expected, 'expected progress grows with the year')
})

t.test('asOf and knownAt: "on that instant, what did we believe progress was on that day"', async (t) => {
  const { app, clock } = await build(t, { now: '2023-07-01T02:00:00.000Z' })
  clock.set('2023-07-10T02:00:00.000Z')
  await report(app, '2023-06-30', 21)
  clock.set('2023-07-12T02:00:00.000Z')
  const { reportId } = await report(app, '2023-07-11', 25)
  clock.set('2023-07-14T02:00:00.000Z')
  await post(app, `/v1/targets/${target}/reports/${reportId}/corrections`, 'auditor-a', { value: 23, reason: '统计口径调整' })
  const value = async (query: string) => {
    const res = await get(app, `/v1/targets/${target}?${query}`)
    t.equal(res.statusCode, 200, res.body)
    return res.json().reported.value
  }
  t.equal(await value('asOf=2023-07-15'), 23, 'now, with the correction')
  t.equal(await value('asOf=2023-06-30'), 21, 'as of June 30')
  t.equal(await value('asOf=2023-07-15&knownAt=2023-07-13T00:00:00Z'), 25, 'believed on July 13, before the correction')
  t.equal(await value('asOf=2023-07-15&knownAt=2023-07-11T00:00:00Z'), 21, 'believed on July 11')
  t.equal(await value('asOf=2023-07-15&knownAt=2023-07-05T00:00:00Z'), 0, 'before any report')
  t.equal((await get(app, `/v1/targets/${target}?knownAt=2023-06-01T00:00:00Z`)).statusCode, 404, 'before the target was defined')
  const zone = async (query: string) =>
    (await get(app, `/v1/zones?${query}`)).json().zones.find((one: { groupId: string }) => one.groupId === 'qingdao-etdz').completion
  t.ok((await zone('asOf=2023-07-15&knownAt=2023-07-13T00:00:00Z')) > (await zone('asOf=2023-07-15')), 'the zone rollup replays the same way')

  // knownAt alone: what the dashboard showed then, as of the day it was then in Beijing (not today).
  const then = (await get(app, `/v1/targets/${target}?knownAt=2023-07-12T18:00:00Z`)).json()
  t.match(then, { asOf: '2023-07-13', reported: { value: 25 } })
  const asked = (await get(app, `/v1/targets/${target}?asOf=2023-07-13&knownAt=2023-07-12T18:00:00Z`)).json()
  t.same(then, asked, 'the same answer as naming that day')
  for (const path of ['/v1/zones', `/v1/zones/qingdao-etdz`, `/v1/zones/qingdao-etdz/timeline`, '/v1/targets', `/v1/targets/${target}/timeline`]) {
    t.equal((await get(app, `${path}?knownAt=2023-07-12T18:00:00Z`)).json().asOf, '2023-07-13', path)
  }
  t.equal((await get(app, `/v1/targets/${target}?knownAt=2099-01-01T00:00:00Z`)).json().asOf, '2023-07-14', 'a later knownAt: today')
  // Years of fewer than four digits are days of their own (en-CA writes year 100 as "100"), and a
  // knownAt whose day in Beijing is in year 10000 is later than today.
  for (const [knownAt, asOf] of [['0100-06-01T00:00:00Z', '0100-06-01'], ['0099-06-01T00:00:00Z', '0099-06-01'], ['9999-12-31T16:00:00Z', '2023-07-14']] as const) {
    const res = await get(app, `/v1/zones?knownAt=${knownAt}`)
    t.equal(res.statusCode, 200, `${knownAt}: ${res.body.slice(0, 200)}`)
    t.equal(res.json().asOf, asOf, knownAt)
  }
})

t.test('GET /v1/targets/:id/timeline has a point per report effective date with its verdicts', async (t) => {
  const { app } = await build(t)
  const first = await report(app, '2023-03-31', 9)
  await report(app, '2023-06-30', 21)
  await post(app, `/v1/targets/${target}/reports/${first.reportId}/verdicts`, 'auditor-b', { verdict: 'accepted' })
  const body = (await get(app, `/v1/targets/${target}/timeline?asOf=2023-07-15`)).json()
  t.same(body.points.map((point: { asOf: string }) => point.asOf), ['2023-03-31', '2023-06-30'])
  t.same(body.points.map((point: { reported: { value: number } }) => point.reported.value), [9, 21])
  t.equal(body.points[0].reports[0].verification, 'accepted')
  t.equal(body.points[1].verified.value, 9, 'only the accepted report counts as verified')
  t.equal((await get(app, '/v1/targets/no-such-target/timeline')).statusCode, 404)
})

t.test('GET /v1/targets/:id/history: the audit trail with actors, reasons and a chain of hashes, paged', async (t) => {
  const { app } = await build(t)
  await report(app, '2023-03-31', 9)
  await report(app, '2023-06-30', 8, { reason: '两个项目撤资' })
  const all = (await get(app, `/v1/targets/${target}/history`)).json()
  t.same(all.events.map((event: { type: string }) => event.type), ['TargetDefined', 'ProgressReported', 'ProgressReported'])
  t.equal(all.next, null)
  t.match(all.events[1], { actor: { id: agency, role: 'agency' }, revision: '1', reason: null, synthetic: false })
  t.equal(all.events[2].reason, '两个项目撤资')
  t.equal(all.events[0].prevHash, '0'.repeat(64), 'the chain starts at 64 zeros')
  for (let i = 1; i < all.events.length; i++) t.equal(all.events[i].prevHash, all.events[i - 1].hash, `event ${i} chains to the one before`)
  const first = (await get(app, `/v1/targets/${target}/history?limit=2`)).json()
  t.equal(first.events.length, 2)
  const second = (await get(app, `/v1/targets/${target}/history?limit=2&after=${first.next}`)).json()
  t.same([...first.events, ...second.events], all.events, 'two pages make the whole trail')
  t.equal((await get(app, '/v1/targets/no-such-target/history')).statusCode, 404)
})

t.test('GET /v1/events pages through the whole log with a cursor; bad cursors are 400s', async (t) => {
  const { app, store } = await build(t)
  await report(app, '2023-03-31', 9)
  const seen: string[] = []
  let after = '0'
  for (;;) {
    const page = (await get(app, `/v1/events?limit=25&after=${after}`)).json()
    seen.push(...page.events.map((event: { position: string }) => event.position))
    if (page.next === null) break
    after = page.next
  }
  t.equal(seen.length, catalog.length + 1, 'every definition and the report')
  t.same(seen, [...seen].sort((a, b) => Number(BigInt(a) - BigInt(b))), 'in position order')
  t.equal(seen[seen.length - 1], (await store.headPosition()).toString(), 'up to the head')
  for (const bad of ['after=-1', 'after=abc', 'after=99999999999999999999', 'limit=0', 'limit=5000']) {
    const res = await get(app, `/v1/events?${bad}`)
    t.equal(res.statusCode, 400, bad)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
  }
})

t.test('reads send ETags and answer If-None-Match with 304 until something changes', async (t) => {
  const { app } = await build(t)
  const first = await get(app, '/v1/zones?asOf=2023-07-01')
  const etag = first.headers.etag as string
  t.ok(etag, 'an ETag is sent')
  const again = await get(app, '/v1/zones?asOf=2023-07-01', { 'if-none-match': etag })
  t.equal(again.statusCode, 304)
  t.equal(again.body, '')
  await report(app, '2023-06-30', 30)
  const changed = await get(app, '/v1/zones?asOf=2023-07-01', { 'if-none-match': etag })
  t.equal(changed.statusCode, 200, 'a write changes the answer')
  t.not(changed.headers.etag, etag)
})

t.test('If-None-Match as RFC 9110 has it: a list, *, and weak comparison', async (t) => {
  const { app } = await build(t)
  const url = '/v1/zones?asOf=2023-07-01'
  const etag = (await get(app, url)).headers.etag as string
  const status = async (field: string) => (await get(app, url, { 'if-none-match': field })).statusCode
  t.equal(await status(`"other", ${etag}`), 304, 'listed among others')
  t.equal(await status('*'), 304, '* matches any current answer')
  t.equal(await status(`W/${etag}`), 304, 'weak comparison')
  t.equal(await status('"other", W/"another"'), 200, 'not listed')
  t.equal(await status('not a tag'), 200, 'an invalid field is ignored')
})

t.test('a target’s ETag is its revision; 304 only when asOf pins the day', async (t) => {
  const { app } = await build(t)
  const pinned = await get(app, `/v1/targets/${target}?asOf=2023-07-01`)
  t.equal(pinned.headers.etag, '"0"')
  t.equal((await get(app, `/v1/targets/${target}?asOf=2023-07-01`, { 'if-none-match': '"0"' })).statusCode, 304)
  const today = await get(app, `/v1/targets/${target}`, { 'if-none-match': '"0"' })
  t.equal(today.statusCode, 200, 'without asOf the answer is for today and is sent in full')
  t.equal(today.headers.etag, '"0"')
  await report(app, '2023-06-30', 30)
  const after = await get(app, `/v1/targets/${target}?asOf=2023-07-01`, { 'if-none-match': '"0"' })
  t.equal(after.statusCode, 200)
  t.equal(after.headers.etag, '"1"')
})

t.test('CSV exports: UTF-8 with BOM, CRLF, zh and en headers, one row per zone or target', async (t) => {
  const { app } = await build(t)
  await report(app, '2023-06-30', 21)
  const zonesCsv = await get(app, '/v1/exports/zones.csv?asOf=2023-07-01')
  t.equal(zonesCsv.statusCode, 200)
  t.match(zonesCsv.headers['content-type'], /^text\/csv; charset=utf-8/)
  t.match(zonesCsv.headers['content-disposition'], /attachment; filename="zones-2023-07-01.csv"/)
  t.ok(zonesCsv.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'starts with the UTF-8 BOM')
  const zoneLines = zonesCsv.body.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean)
  t.match(zoneLines[0], /^排名 rank,区域编号 zone_id,区域 name_zh,zone name_en,完成率 completion/)
  const zoneList = (await get(app, '/v1/zones?asOf=2023-07-01')).json().zones
  t.equal(zoneLines.length, zoneList.length + 1)
  const [top] = zoneList
  t.ok(zoneLines[1]?.startsWith(`1,${top.groupId},${top.name.zh},${top.name.en},${top.completion},`), 'the first zone as the API gives it')

  const targetsCsv = await get(app, '/v1/exports/targets.csv?zone=qingdao-etdz&asOf=2023-07-01')
  const targetLines = targetsCsv.body.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean)
  t.match(targetLines[0], /^目标编号 target_id,目标 title_zh,target title_en,/)
  t.equal(targetLines.length, catalog.filter((definition) => definition.zoneId === 'qingdao-etdz').length + 1)
  const row = targetLines.find((line) => line.startsWith(`${target},`))!
  t.match(row, /,21,/, 'the reported value')
})

t.test('a CSV cell that a spreadsheet would run as a formula is neutralised', async (t) => {
  const { app } = await build(t)
  const definition = {
    ...catalog.find((one) => one.id === target)!,
    id: 'formula-title',
    title: { zh: '=HYPERLINK("http://evil.example","点我")', en: '+cmd' },
    source: { document: 'other-document', quote: 'x' },
  }
  await post(app, '/v1/targets', 'admin', definition)
  const csv = (await get(app, '/v1/exports/targets.csv?asOf=2023-07-01')).body
  const row = csv.split('\r\n').find((line) => line.startsWith('formula-title,'))!
  t.match(row, /^formula-title,"'=HYPERLINK\(""http:\/\/evil\.example"",""点我""\)",'\+cmd,/)
})

t.test('reads need a token unless PUBLIC_READ', async (t) => {
  const { app } = await build(t)
  t.equal((await app.inject({ method: 'GET', url: '/v1/zones' })).statusCode, 401)
  const open = await build(t, { publicRead: true })
  t.equal((await open.app.inject({ method: 'GET', url: '/v1/zones' })).statusCode, 200)
  t.equal((await open.app.inject({ method: 'GET', url: '/v1/exports/targets.csv' })).statusCode, 200)
})

t.test('the audit trail says which events are made-up demo data', async (t) => {
  const { app, store, projector } = await build(t, { seed: false, now: '2024-02-01T02:00:00.000Z' })
  const steps = generateDemoHistory(catalog).filter((step) => step.targetId === target)
  await loadDemoHistory(store, steps)
  t.ok(await projector.waitFor(await store.headPosition()), 'the read models reached the demo events')
  const history = (await get(app, `/v1/targets/${target}/history?limit=1000`)).json()
  t.equal(history.events.length, steps.length, 'one event per demo step')
  t.ok(history.events.every((event: { synthetic: boolean }) => event.synthetic === true), 'every one of them synthetic')
})

t.test('a target and its timeline echo the asOf, knownAt and position they were read at, as lists do', async (t) => {
  const { app } = await build(t)
  const knownAt = '2023-07-15T02:00:00.000Z' // the seeding's instant (the test clock stands still)
  for (const url of [`/v1/targets/${target}`, `/v1/targets/${target}/timeline`]) {
    const body = (await get(app, `${url}?knownAt=${knownAt}`)).json()
    t.match(body, { asOf: '2023-07-15', knownAt, position: /^\d+$/ }, url)
    t.match((await get(app, url)).json(), { knownAt: null }, `${url} without knownAt`)
  }
})

t.test('an event-log page refuses asOf (it has no effective date) rather than dropping it', async (t) => {
  const { app } = await build(t)
  for (const url of ['/v1/events?asOf=2023-06-30', `/v1/targets/${target}/history?asOf=2023-06-30`]) {
    const res = await get(app, url)
    t.equal(res.statusCode, 400, url)
    t.match(res.json(), { code: 'REQUEST.INVALID', errors: [{ path: /asOf$/, message: /no effective date/ }] }, url)
  }
  t.equal((await get(app, '/v1/events?knownAt=2023-07-15T02:00:00.000Z&limit=5')).statusCode, 200, 'knownAt still applies')
})
