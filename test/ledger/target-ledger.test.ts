import t from 'tap'
import { loadCatalog } from '../../seeds/catalog-loader.js'
import { genesisHash, hashEvent } from '../../src/ledger/event-hash.js'
import { deterministicEventId } from '../../src/ledger/event-ids.js'
import { eventMetadataSchema } from '../../src/ledger/event-metadata.js'
import { verifyLedger } from '../../src/ledger/ledger-verification.js'
import { fixedClock } from '../../src/ledger/clock.js'
import { createTargetLedger, PreconditionFailed, targetStreamId } from '../../src/ledger/target-ledger.js'
import type { Json, StoredEvent } from '../../src/store/event-store.js'
import { midYear, openTestLedger } from '../helpers/app.js'

const definition = loadCatalog().find((d) => d.kind === 'reach')!
const admin = { id: 'admin-1', role: 'admin' } as const
const agency = { id: 'agency-1', role: 'agency', zones: [definition.zoneId] } as const

const readStream = async (store: { readStream(id: string): AsyncIterable<StoredEvent> }, id: string) => {
  const events: StoredEvent[] = []
  for await (const event of store.readStream(targetStreamId(id))) events.push(event)
  return events
}

t.test('appended events carry the metadata of DESIGN §3 and a hash chain from 64 zeros', async (t) => {
  const { ledger, store } = openTestLedger(t)
  await ledger.execute(definition.id, { type: 'DefineTarget', data: definition }, { actor: admin, correlationId: 'req-1' })
  await ledger.execute(
    definition.id,
    { type: 'ReportProgress', data: { reportId: 'r1', asOf: '2023-06-30', value: 3 } },
    { actor: agency, correlationId: 'req-2', idempotencyKey: 'key-2' },
  )
  const events = await readStream(store, definition.id)
  t.equal(events.length, 2)
  const [first, second] = events.map((e) => eventMetadataSchema.parse(e.metadata))
  t.match(first, { actor: { id: 'admin-1', role: 'admin' }, recordedAt: midYear, correlationId: 'req-1', schemaVersion: 1 })
  t.match(second, { actor: { id: 'agency-1', role: 'agency' }, idempotencyKey: 'key-2' })
  t.equal(first!.prevHash, genesisHash)
  t.equal(second!.prevHash, first!.hash)
  for (const event of events) {
    const { hash, ...rest } = eventMetadataSchema.parse(event.metadata)
    const recomputed = hashEvent(rest.prevHash, {
      streamId: event.streamId,
      revision: event.revision,
      type: event.type,
      data: event.data,
      metadata: rest as unknown as Json,
    })
    t.equal(recomputed, hash, `revision ${event.revision} hash recomputes`)
  }
})

t.test('the hash changes when any hashed field changes', async (t) => {
  const input = { streamId: 'target-x', revision: 0n, type: 'TargetDefined', data: { a: 1 }, metadata: { b: 2 } }
  const base = hashEvent(genesisHash, input)
  t.not(hashEvent(genesisHash, { ...input, revision: 1n }), base)
  t.not(hashEvent(genesisHash, { ...input, streamId: 'target-y' }), base)
  t.not(hashEvent(genesisHash, { ...input, data: { a: 2 } }), base)
  t.not(hashEvent('1'.repeat(64), input), base)
  t.equal(hashEvent(genesisHash, { ...input, data: { a: 1 } }), base, 'key order and identity do not matter')
})

t.test('a write with a stale expected revision fails as a precondition and appends nothing', async (t) => {
  const { ledger, store } = openTestLedger(t)
  await ledger.execute(definition.id, { type: 'DefineTarget', data: definition }, { actor: admin, correlationId: 'c' })
  const head = await store.headPosition()
  await t.rejects(
    ledger.execute(
      definition.id,
      { type: 'ReportProgress', data: { reportId: 'r1', asOf: '2023-06-30', value: 3 } },
      { actor: agency, correlationId: 'c', ifMatch: [5n] },
    ),
    PreconditionFailed,
  )
  t.equal(await store.headPosition(), head)
})

t.test('view reads progress as of a day and as known at an instant', async (t) => {
  const { ledger, clock } = openTestLedger(t, { now: '2023-06-01T02:00:00.000Z' })
  await ledger.execute(definition.id, { type: 'DefineTarget', data: definition }, { actor: admin, correlationId: 'c' })
  clock.set('2023-07-01T02:00:00.000Z')
  await ledger.execute(
    definition.id,
    { type: 'ReportProgress', data: { reportId: 'r1', asOf: '2023-06-30', value: 3 } },
    { actor: agency, correlationId: 'c' },
  )
  const now = await ledger.view(definition.id, { asOf: '2023-06-30' })
  t.equal(now.view.reported.value, 3)
  t.equal(now.revision, 1n)
  const before = await ledger.view(definition.id, { asOf: '2023-06-30', knownAt: '2023-06-30T00:00:00.000Z' })
  t.equal(before.view.reported.value, 0, 'the report was not known yet')
  t.equal((await ledger.view(definition.id, { asOf: '2023-05-31' })).view.reported.value, 0, 'not effective yet')
  await t.rejects(ledger.view(definition.id, { knownAt: '2023-05-31T00:00:00.000Z' }), { code: 'TARGET.NOT_FOUND' }, 'not defined yet')
})

t.test('a ledger that has the target in memory still sees what another writer appended since', async (t) => {
  const { ledger, store, clock } = openTestLedger(t)
  const other = createTargetLedger({ store, clock, timeZone: 'Asia/Shanghai' })
  await ledger.execute(definition.id, { type: 'DefineTarget', data: definition }, { actor: admin, correlationId: 'c' })
  t.equal((await ledger.view(definition.id, { asOf: '2023-06-30' })).view.reported.value, 0, 'cached with no report')
  await other.execute(
    definition.id,
    { type: 'ReportProgress', data: { reportId: 'r1', asOf: '2023-06-30', value: 3 } },
    { actor: agency, correlationId: 'c' },
  )
  const seen = await ledger.view(definition.id, { asOf: '2023-06-30' })
  t.equal(seen.view.reported.value, 3)
  t.equal(seen.revision, 1n)
  const next = await ledger.execute(
    definition.id,
    { type: 'ReportProgress', data: { reportId: 'r2', asOf: '2023-07-01', value: 4 } },
    { actor: agency, correlationId: 'c', ifMatch: [1n] },
  )
  t.equal(next.revision, 2n, 'the write is decided on the state that includes the other writer’s event')
})

t.test('a retried write is answered from the events its key appended, without deciding again', async (t) => {
  const { ledger, store } = openTestLedger(t)
  await ledger.execute(definition.id, { type: 'DefineTarget', data: definition }, { actor: admin, correlationId: 'c' })
  const command = { type: 'ReportProgress', data: { reportId: 'r1', asOf: '2023-06-30', value: 3 } } as const
  const meta = { actor: agency, correlationId: 'c', idempotencyKey: 'k-1' }
  const first = await ledger.execute(definition.id, command, meta)
  const head = await store.headPosition()
  // A fresh ledger (as after a restart) recognises the retry from the stream itself.
  const restarted = createTargetLedger({ store, clock: fixedClock(midYear), timeZone: 'Asia/Shanghai' })
  const again = await restarted.execute(definition.id, command, meta)
  t.same({ ...again, replayed: false }, first, 'the same answer')
  t.equal(again.replayed, true)
  t.equal(await store.headPosition(), head, 'nothing appended')
})

/** The store, counting the stream reads the ledger makes. */
const countingReads = <S extends { readStream(id: string, options?: object): AsyncIterable<StoredEvent> }>(store: S) => {
  const reads: string[] = []
  const readStream = store.readStream.bind(store)
  store.readStream = ((id: string, options?: object) => {
    reads.push(id)
    return readStream(id, options)
  }) as S['readStream']
  return reads
}

t.test('a write decides on the snapshot it holds and advances it with what it appended, without reading the stream', async (t) => {
  const { ledger, store } = openTestLedger(t)
  await ledger.execute(definition.id, { type: 'DefineTarget', data: definition }, { actor: admin, correlationId: 'c' })
  const reads = countingReads(store)
  for (let month = 1; month <= 3; month += 1) {
    await ledger.execute(
      definition.id,
      { type: 'ReportProgress', data: { reportId: `r${month}`, asOf: `2023-0${month}-28`, value: month } },
      { actor: agency, correlationId: 'c', idempotencyKey: `k-${month}` },
    )
  }
  t.same(reads, [], 'no read on the write path')
  const verification = await verifyLedger(store)
  t.equal(verification.ok, true, 'the hash chain the snapshot carried on verifies')
  t.equal((await ledger.view(definition.id, { asOf: '2023-03-31' })).view.reported.value, 3, 'the snapshot holds every report')
  const retried = await ledger.execute(
    definition.id,
    { type: 'ReportProgress', data: { reportId: 'r2', asOf: '2023-02-28', value: 2 } },
    { actor: agency, correlationId: 'c', idempotencyKey: 'k-2' },
  )
  t.equal(retried.replayed, true, 'a retry is recognised from the snapshot')
})

t.test('a write on a stale snapshot loses the race, reads what it missed and decides again', async (t) => {
  const { ledger, store, clock } = openTestLedger(t)
  const other = createTargetLedger({ store, clock, timeZone: 'Asia/Shanghai' })
  await ledger.execute(definition.id, { type: 'DefineTarget', data: definition }, { actor: admin, correlationId: 'c' })
  await ledger.execute(definition.id, { type: 'ReportProgress', data: { reportId: 'r1', asOf: '2023-03-31', value: 1 } }, { actor: agency, correlationId: 'c' })
  // Another process reports, and its report is what the next writes here concern.
  await other.execute(definition.id, { type: 'ReportProgress', data: { reportId: 'r2', asOf: '2023-04-30', value: 2 } }, { actor: agency, correlationId: 'c' })
  const written = await ledger.execute(definition.id, { type: 'ReportProgress', data: { reportId: 'r3', asOf: '2023-05-31', value: 3 } }, { actor: agency, correlationId: 'c' })
  t.equal(written.revision, 3n, 'appended after the other writer’s event')
  await other.execute(definition.id, { type: 'ReportProgress', data: { reportId: 'r4', asOf: '2023-06-15', value: 4 } }, { actor: agency, correlationId: 'c' })
  // The snapshot here knows nothing of r4: correcting it must not be refused as an unknown report.
  const corrected = await ledger.execute(
    definition.id,
    { type: 'CorrectReport', data: { reportId: 'r4', value: 5, reason: '口径调整' } },
    { actor: agency, correlationId: 'c' },
  )
  t.equal(corrected.revision, 5n, 'a refusal on the snapshot is checked against the stream first')
  t.equal((await ledger.view(definition.id, { asOf: '2023-06-30' })).view.reported.value, 5)
  t.equal((await verifyLedger(store)).ok, true, 'one unbroken chain')
})

t.test('a retry this snapshot missed is answered from the stream, and the chain goes on from the stored events', async (t) => {
  const { ledger, store, clock } = openTestLedger(t)
  await ledger.execute(definition.id, { type: 'DefineTarget', data: definition }, { actor: admin, correlationId: 'c' })
  // Another API node took the first attempt (its own time, so its own hash); the retry lands here.
  const later = { now: () => new Date(clock.now().getTime() + 60_000) }
  const other = createTargetLedger({ store, clock: later, timeZone: 'Asia/Shanghai' })
  const command = { type: 'ReportProgress', data: { reportId: 'r1', asOf: '2023-06-30', value: 3 } } as const
  const meta = { actor: agency, correlationId: 'c', idempotencyKey: 'k-1' }
  const first = await other.execute(definition.id, command, meta)
  const again = await ledger.execute(definition.id, command, meta)
  t.equal(again.replayed, true, 'the store’s replay is reported as one')
  t.same(again.events, first.events, 'with the stored events')
  await ledger.execute(definition.id, { type: 'ReportProgress', data: { reportId: 'r2', asOf: '2023-06-30', value: 4 } }, { actor: agency, correlationId: 'c' })
  t.equal((await verifyLedger(store)).ok, true, 'the next event chains to the stored hash, not to the retry’s')
})

t.test('a retried write older than the latest 64 keyed writes is found by reading the stream: answered alike, nothing appended', async (t) => {
  const { ledger, store } = openTestLedger(t)
  await ledger.execute(definition.id, { type: 'DefineTarget', data: definition }, { actor: admin, correlationId: 'c' })
  const command = { type: 'ReportProgress', data: { reportId: 'r-old', asOf: '2023-06-30', value: 3 } } as const
  const meta = { actor: agency, correlationId: 'c', idempotencyKey: 'k-old' }
  const first = await ledger.execute(definition.id, command, meta)
  for (let i = 0; i < 70; i++) {
    await ledger.execute(
      definition.id,
      { type: 'ReportProgress', data: { reportId: `r-${i}`, asOf: '2023-06-30', value: 3 } },
      { actor: agency, correlationId: 'c', idempotencyKey: `k-${i}` },
    )
  }
  const head = await store.headPosition()
  const reads = countingReads(store)
  const again = await ledger.execute(definition.id, command, meta)
  t.same({ ...again, replayed: false }, first, 'the same answer')
  t.equal(again.replayed, true)
  t.equal(await store.headPosition(), head, 'nothing appended')
  t.same(reads, [targetStreamId(definition.id)], 'one read of the stream to find it')
})

t.test('a new key whose first id shares the 30 bits kept of an older write reads the stream, finds nothing and writes', async (t) => {
  const { ledger, store } = openTestLedger(t)
  await ledger.execute(definition.id, { type: 'DefineTarget', data: definition }, { actor: admin, correlationId: 'c' })
  // Two keys whose first event ids agree in the bits the ledger keeps (a birthday search: ~2^15 tries).
  const bits = (key: string) =>
    Number.parseInt(deterministicEventId(`${agency.id}/${targetStreamId(definition.id)}`, key, 0).slice(0, 8), 16) & 0x3fffffff
  const byBits = new Map<number, string>()
  let pair: [string, string] | undefined
  for (let i = 0; pair === undefined; i++) {
    const key = `k-${i}`
    const other = byBits.get(bits(key))
    if (other !== undefined) pair = [other, key]
    else byBits.set(bits(key), key)
  }
  const [older, newer] = pair
  const write = (key: string, reportId: string) =>
    ledger.execute(
      definition.id,
      { type: 'ReportProgress', data: { reportId, asOf: '2023-06-30', value: 3 } },
      { actor: agency, correlationId: 'c', idempotencyKey: key },
    )
  await write(older, 'r-older')
  for (let i = 0; i < 64; i++) await write(`filler-${i}`, `r-filler-${i}`)
  const head = await store.headPosition()
  const reads = countingReads(store)
  const fresh = await write(newer, 'r-newer')
  t.equal(fresh.replayed, false, 'a write of its own')
  t.equal(await store.headPosition(), head + 1n)
  t.same(reads, [targetStreamId(definition.id)], 'after one read of the stream')
})
