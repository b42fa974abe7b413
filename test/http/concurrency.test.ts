// Optimistic concurrency over HTTP: of 100 writes racing with the same If-Match exactly one wins.
import t from 'tap'
import { findChainBreak } from '../../src/ledger/event-hash.js'
import { targetStreamId } from '../../src/ledger/target-ledger.js'
import { bearer, build } from '../helpers/app.js'

const targetId = 'qingdao-etdz-projects-introduced'

t.test('100 concurrent POSTs with the same If-Match: one 201, 99 × 412, the chain intact', async (t) => {
  const { app, store } = await build(t)
  const responses = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      app.inject({
        method: 'POST',
        url: `/v1/targets/${targetId}/reports`,
        headers: { ...bearer('agency-qingdao-etdz'), 'if-match': '"0"' },
        payload: { asOf: '2023-06-30', value: i },
      }),
    ),
  )
  const statuses = responses.map((r) => r.statusCode)
  t.equal(statuses.filter((s) => s === 201).length, 1, 'exactly one write wins')
  t.equal(statuses.filter((s) => s === 412).length, 99, 'the others are told the target moved on')
  const events = []
  for await (const event of store.readStream(targetStreamId(targetId))) events.push(event)
  t.equal(events.length, 2, 'definition plus one report')
  t.equal(await findChainBreak(events), undefined, 'hash chain intact')
})

t.test('without If-Match, concurrent reports to one target all land, in turn, chained', async (t) => {
  const { app, store } = await build(t)
  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      app.inject({
        method: 'POST',
        url: `/v1/targets/${targetId}/reports`,
        headers: bearer('agency-qingdao-etdz'),
        payload: { asOf: '2023-06-30', value: 100 + i },
      }),
    ),
  )
  const statuses = responses.map((r) => r.statusCode)
  t.ok(statuses.every((s) => s === 201), 'writes to one target take turns instead of conflicting')
  const events = []
  for await (const event of store.readStream(targetStreamId(targetId))) events.push(event)
  t.equal(events.length, 21)
  t.equal(await findChainBreak(events), undefined)
})

t.test('findChainBreak finds an edited event (the check can fail)', async (t) => {
  const { store, app } = await build(t)
  await app.inject({ method: 'POST', url: `/v1/targets/${targetId}/reports`, headers: bearer('agency-qingdao-etdz'), payload: { asOf: '2023-06-30', value: 3 } })
  const events = []
  for await (const event of store.readStream(targetStreamId(targetId))) events.push(event)
  const tampered = events.map((e, i) => (i === 1 ? { ...e, data: { ...(e.data as object), value: 30 } } : e))
  t.match(await findChainBreak(tampered), { revision: 1n, reason: 'hash_mismatch' })
})
