import t from 'tap'
import { loadCatalog } from '../../seeds/catalog-loader.js'
import { bearer, build } from '../helpers/app.js'

const catalog = loadCatalog()

t.test('GET /v1/targets lists every seeded target', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({ method: 'GET', url: '/v1/targets', headers: bearer('reader') })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.count, catalog.length)
  t.same(body.targets.map((target: { id: string }) => target.id).sort(), catalog.map((d) => d.id).sort())
  t.equal(body.asOf, '2023-07-15', 'asOf defaults to today in Beijing time')
})

t.test('GET /v1/targets filters by zone and kind', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({ method: 'GET', url: '/v1/targets?zone=district&kind=ceiling', headers: bearer('reader') })
  t.equal(res.statusCode, 200)
  const expected = catalog.filter((d) => d.zoneId === 'district' && d.kind === 'ceiling').map((d) => d.id)
  t.ok(expected.length > 0, 'the catalog has district ceilings')
  t.same(res.json().targets.map((target: { id: string }) => target.id).sort(), expected.sort())
})

t.test('GET /v1/targets/:id returns the target with its revision as ETag', async (t) => {
  const { app } = await build(t)
  const definition = catalog[0]!
  const res = await app.inject({ method: 'GET', url: `/v1/targets/${definition.id}?asOf=2023-03-31`, headers: bearer('reader') })
  t.equal(res.statusCode, 200)
  t.equal(res.headers.etag, '"0"')
  const body = res.json()
  t.same(body.definition, definition)
  t.equal(body.asOf, '2023-03-31')
  t.equal(body.unreported, true)
  t.equal(body.reported.value, 0)
})

t.test('GET /v1/targets/:id answers 404 problem+json for an unknown target', async (t) => {
  const { app } = await build(t, { seed: false })
  const res = await app.inject({ method: 'GET', url: '/v1/targets/no-such-target', headers: bearer('reader') })
  t.equal(res.statusCode, 404)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(res.json(), { status: 404, code: 'TARGET.NOT_FOUND', title: 'Not Found' })
})

t.test('a malformed asOf is a 400 naming the field', async (t) => {
  const { app } = await build(t, { seed: false })
  const res = await app.inject({ method: 'GET', url: '/v1/targets?asOf=2023-13-45', headers: bearer('reader') })
  t.equal(res.statusCode, 400)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  const body = res.json()
  t.equal(body.code, 'REQUEST.INVALID')
  t.same(body.errors.map((e: { path: string }) => e.path), ['querystring.asOf'])
})

t.test('an unknown route is a 404 problem+json', async (t) => {
  const { app } = await build(t, { seed: false })
  const res = await app.inject({ method: 'GET', url: '/v1/nothing-here', headers: bearer('reader') })
  t.equal(res.statusCode, 404)
  t.equal(res.json().code, 'ROUTE.NOT_FOUND')
})
