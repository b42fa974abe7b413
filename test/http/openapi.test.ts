// The generated OpenAPI document passes a real OpenAPI 3.1 validator, and documents every route.
import { compileErrors, validate } from '@readme/openapi-parser'
import t from 'tap'
import { build } from '../helpers/app.js'

t.test('the OpenAPI document is valid OpenAPI 3.1 and lists every route with its statuses', async (t) => {
  const { app } = await build(t, { seed: false })
  const res = await app.inject({ method: 'GET', url: '/docs/json' })
  t.equal(res.statusCode, 200)
  const spec = res.json()
  const result = await validate(structuredClone(spec))
  t.ok(result.valid, result.valid ? 'valid' : compileErrors(result))
  const documented = new Set(Object.keys(spec.paths))
  const expected = [
    '/health',
    '/ready',
    '/v1/targets',
    '/v1/targets/{id}',
    '/v1/targets/{id}/close',
    '/v1/targets/{id}/reports',
    '/v1/targets/{id}/reports/{reportId}/corrections',
    '/v1/targets/{id}/reports/{reportId}/verdicts',
    '/v1/targets/{id}/revisions',
    '/v1/targets/{id}/timeline',
    '/v1/targets/{id}/history',
    '/v1/zones',
    '/v1/zones/{zoneId}',
    '/v1/zones/{zoneId}/timeline',
    '/v1/chapters',
    '/v1/chapters/{chapterId}',
    '/v1/events',
    '/v1/events/stream',
    '/v1/exports/zones.csv',
    '/v1/exports/targets.csv',
    '/v1/audit/verify',
    '/v1/audit/digest',
    '/v1/audit/digest/verify',
  ]
  t.same(expected.filter((path) => !documented.has(path)), [], 'every route of the read and write API is documented')
  const reports = spec.paths['/v1/targets/{id}/reports'].post
  t.same(Object.keys(reports.responses).sort(), ['201', '400', '401', '403', '404', '409', '412', '413', '415', '422', '429'])
  t.ok(reports.requestBody.content['application/json'].schema, 'documents the request body')
  t.match(spec.paths['/v1/zones'].get.description, /Σ wᵢ · clamp\(cᵢ, 0, 1\) \/ Σ wᵢ/, 'the rollup formula is in the document')
  t.match(spec.paths['/v1/targets'].get.description, /reach c = v \/ goal/, 'the completion formula is in the document')
})

t.test('a corrupted document fails the validator (the check can fail)', async (t) => {
  const { app } = await build(t, { seed: false })
  const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
  spec.paths['/v1/targets'].get.responses = { 200: { content: 'not an object' } }
  t.notOk((await validate(spec)).valid)
})
