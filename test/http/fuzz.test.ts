// Property: whatever arrives at a write route — random JSON, malformed text, odd headers, odd ids —
// the answer is never a 5xx, a refusal is problem+json, and a refused request appends nothing.
import fc from 'fast-check'
import t from 'tap'
import { loadCatalog } from '../../seeds/catalog-loader.js'
import { bearer, build } from '../helpers/app.js'

const definition = loadCatalog().find((d) => d.id === 'qingdao-etdz-projects-introduced')!

const targetIds = ['qingdao-etdz-projects-introduced', 'qingdao-etdz-projects-introduced', 'no-such-target', 'Bad Id', '..%2F..', 'x'.repeat(300), '']
const routes = ['reports', 'reports/{r}/corrections', 'reports/{r}/verdicts', 'revisions', 'close', '']
const principals = ['admin', 'auditor-a', 'agency-qingdao-etdz', 'agency-qingdao-etdz', 'agency-district', 'reader', null] as const

const json = fc.jsonValue({ maxDepth: 3 })
const day = fc.oneof(fc.constantFrom('2023-06-30', '2023-01-01', '2023-02-30', '2024-01-01', '2023-07-16'), fc.string({ maxLength: 12 }))
const number = fc.oneof(fc.integer({ min: -10, max: 100 }), fc.double(), fc.string({ maxLength: 5 }))
const text = fc.oneof(fc.constantFrom('年中调整', ' ', ''), fc.string({ maxLength: 20 }))
const optional = { requiredKeys: [] as never[] }

/** Bodies shaped like what each route expects, with every field liable to be missing or wrong. */
const plausible: Record<string, fc.Arbitrary<unknown>> = {
  reports: fc.record({ asOf: day, value: number, stage: text, note: text, reason: text }, optional),
  'reports/{r}/corrections': fc.record({ asOf: day, value: number, reason: text }, optional),
  'reports/{r}/verdicts': fc.record({ verdict: fc.constantFrom('accepted', 'rejected', 'maybe'), reason: text, comment: text }, optional),
  revisions: fc.record({ changes: fc.record({ goal: number }, optional), reason: text, authority: text, effectiveFrom: day }, optional),
  close: fc.record({ outcome: fc.constantFrom('achieved', 'cancelled', 'done'), reason: text }, optional),
  '': fc.record({ id: fc.constantFrom('new-target', 'qingdao-etdz-projects-introduced', 'Bad'), goal: number, zoneId: text }, optional).map(
    (changes) => ({ ...definition, ...changes }),
  ),
}

const request = fc.constantFrom(...routes).chain((route) =>
  fc.tuple(
    fc.constant(route),
    fc.oneof(
      { weight: 3, arbitrary: plausible[route]!.map((value) => ({ text: JSON.stringify(value), type: 'application/json' })) },
      json.map((value) => ({ text: JSON.stringify(value), type: 'application/json' })),
      fc.string().map((text) => ({ text, type: 'application/json' })),
      fc.string().map((text) => ({ text, type: 'text/plain' })),
      fc.constant({ text: '', type: 'application/json' }),
    ),
  ),
)
const header = fc.option(fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom('"0"', '"1"', '*', 'W/"1"', '"99999999999999999999"')), { nil: undefined })

t.test('2,000 random requests to the write routes: never a 5xx, never an append when refused', async (t) => {
  const { app, store } = await build(t)
  const statuses = new Map<number, number>()
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...targetIds),
      request,
      fc.constantFrom(...principals),
      header,
      header,
      async (targetId, [route, { text, type }], principal, idempotencyKey, ifMatch) => {
        const url = route === '' ? '/v1/targets' : `/v1/targets/${encodeURIComponent(targetId)}/${route.replace('{r}', 'r-1')}`
        const headers: Record<string, string> = { 'content-type': type, ...(principal ? bearer(principal) : {}) }
        // Header values must be sendable at all; control characters are refused by the HTTP client, not by us.
        if (idempotencyKey !== undefined && /^[\t\x20-\x7e]*$/.test(idempotencyKey)) headers['idempotency-key'] = idempotencyKey
        if (ifMatch !== undefined && /^[\t\x20-\x7e]*$/.test(ifMatch)) headers['if-match'] = ifMatch
        const before = await store.headPosition()
        const res = await app.inject({ method: 'POST', url, headers, payload: text })
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
        if (res.statusCode >= 500) throw new Error(`${res.statusCode} for POST ${url} ${text}: ${res.body}`)
        if (res.statusCode >= 400 && (await store.headPosition()) !== before) throw new Error(`refused ${res.statusCode} but appended: POST ${url} ${text}`)
        if (res.statusCode >= 400 && !String(res.headers['content-type']).startsWith('application/problem+json')) {
          throw new Error(`${res.statusCode} is not problem+json for POST ${url}: ${res.body}`)
        }
      },
    ),
    { numRuns: 2000, seed: 20231231 },
  )
  t.comment(`statuses seen: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`)
  t.ok([...statuses.keys()].every((s) => s < 500), 'no 5xx in 2,000 requests')
  t.ok([400, 401, 403, 404, 415, 422].every((s) => statuses.has(s)), 'the generator reaches every kind of refusal')
})
