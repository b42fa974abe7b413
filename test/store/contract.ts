// The behaviour every EventStore adapter owes the rest of the app, written once and run against each adapter.
// Written for a shared, possibly remote store: every test uses fresh stream names, compares global
// positions only relatively, tolerates other writers' events in $all, and waits without tight timing.
import { randomUUID } from 'node:crypto'
import type { Test } from 'tap'
import {
  StoreClosed,
  WrongExpectedRevision,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type StoredEvent,
} from '../../src/store/event-store.js'

export interface StoreUnderTest {
  store: EventStore
  /** Releases everything the store holds; must tolerate a store already closed by the test. */
  cleanup: () => Promise<void>
}

/** How long a subscription may take to deliver what the test waits for before the test fails. */
const DELIVERY_DEADLINE_MS = 30_000

export function runEventStoreContract(t: Test, name: string, makeStore: () => Promise<StoreUnderTest>): void {
  async function open(t: Test): Promise<EventStore> {
    const { store, cleanup } = await makeStore()
    t.teardown(cleanup)
    return store
  }

  t.test(`${name}: EventStore contract`, async (t) => {
    t.test('appending', async (t) => {
      t.test('no_stream on a new stream creates it at revision n-1', async (t) => {
        const store = await open(t)
        const stream = streamName('new')
        const result = await store.append(stream, [event(), event(), event()], { expectedRevision: 'no_stream' })
        t.equal(result.nextRevision, 2n)
        t.ok(result.position > 0n, 'positions are never 0')
        t.same(revisions(await collect(store.readStream(stream))), [0n, 1n, 2n])
      })

      t.test('no_stream on an existing stream is a WrongExpectedRevision carrying the actual revision', async (t) => {
        const store = await open(t)
        const stream = await seededStream(store, 2)
        await expectWrongRevision(t, store.append(stream, [event()], { expectedRevision: 'no_stream' }), stream, 'no_stream', 1n)
        t.equal((await collect(store.readStream(stream))).length, 2, 'nothing was written')
      })

      t.test('stream_exists on a missing stream is a WrongExpectedRevision with actual no_stream', async (t) => {
        const store = await open(t)
        const stream = streamName('missing')
        await expectWrongRevision(
          t,
          store.append(stream, [event()], { expectedRevision: 'stream_exists' }),
          stream,
          'stream_exists',
          'no_stream',
        )
        t.same(await collect(store.readStream(stream)), [], 'nothing was written')
      })

      t.test('stream_exists on an existing stream appends', async (t) => {
        const store = await open(t)
        const stream = await seededStream(store, 1)
        const result = await store.append(stream, [event()], { expectedRevision: 'stream_exists' })
        t.equal(result.nextRevision, 1n)
      })

      t.test('any appends to a missing stream and to an existing one', async (t) => {
        const store = await open(t)
        const stream = streamName('any')
        t.equal((await store.append(stream, [event()], { expectedRevision: 'any' })).nextRevision, 0n)
        t.equal((await store.append(stream, [event(), event()], { expectedRevision: 'any' })).nextRevision, 2n)
      })

      t.test('an exact revision equal to the last event appends', async (t) => {
        const store = await open(t)
        const stream = await seededStream(store, 3)
        const result = await store.append(stream, [event()], { expectedRevision: 2n })
        t.equal(result.nextRevision, 3n)
      })

      t.test('a stale exact revision is a WrongExpectedRevision', async (t) => {
        const store = await open(t)
        const stream = await seededStream(store, 3)
        await expectWrongRevision(t, store.append(stream, [event()], { expectedRevision: 1n }), stream, 1n, 2n)
        t.equal((await collect(store.readStream(stream))).length, 3, 'nothing was written')
      })

      t.test('an exact revision ahead of the stream is a WrongExpectedRevision', async (t) => {
        const store = await open(t)
        const stream = await seededStream(store, 3)
        await expectWrongRevision(t, store.append(stream, [event()], { expectedRevision: 5n }), stream, 5n, 2n)
      })

      t.test('an exact revision on a missing stream is a WrongExpectedRevision with actual no_stream', async (t) => {
        const store = await open(t)
        const stream = streamName('missing')
        await expectWrongRevision(t, store.append(stream, [event()], { expectedRevision: 0n }), stream, 0n, 'no_stream')
      })

      t.test('stored events keep their id, type, data and metadata', async (t) => {
        const store = await open(t)
        const stream = streamName('roundtrip')
        const appended: EventToAppend = {
          id: randomUUID(),
          type: 'ProgressReported',
          data: { targetId: 'qingdao-projects', value: 39, unit: '个', note: '引进亿元以上项目', nested: { list: [1, 'a', null, true] } },
          metadata: { actor: { id: 'agency-1', role: 'agency' }, recordedAt: '2023-07-15T08:00:00.000Z' },
        }
        const result = await store.append(stream, [appended], { expectedRevision: 'no_stream' })
        const [stored] = await collect(store.readStream(stream))
        t.strictSame(stored, { ...appended, streamId: stream, revision: 0n, position: result.position })
      })

      t.test('positions grow strictly, within an append and across appends', async (t) => {
        const store = await open(t)
        const streams = [streamName('a'), streamName('b')]
        const results = []
        for (const [index, stream] of [...streams, ...streams].entries()) {
          results.push(await store.append(stream, [event(), event()], { expectedRevision: index < 2 ? 'no_stream' : 1n }))
        }
        t.ok(isStrictlyIncreasing(results.map((result) => result.position)), 'append results')
        for (const stream of streams) {
          t.ok(isStrictlyIncreasing(positions(await collect(store.readStream(stream)))), `events of ${stream}`)
        }
      })

      t.test('re-appending the same ids at the same exact revision returns the first result and writes nothing', async (t) => {
        const store = await open(t)
        const stream = await seededStream(store, 2)
        const batch = [event(), event()]
        const first = await store.append(stream, batch, { expectedRevision: 1n })
        const again = await store.append(stream, batch, { expectedRevision: 1n })
        t.same(placeOf(again), placeOf(first))
        t.not(first.written, false, 'the first append does not claim to be a replay')
        t.not(again.written, true, 'the replay does not claim to have written')
        t.same(ids(await collect(store.readStream(stream, { fromRevision: 2n }))), ids(batch))
      })

      t.test('re-appending the ids that created a stream with no_stream returns the first result', async (t) => {
        const store = await open(t)
        const stream = streamName('replay')
        const batch = [event(), event()]
        const first = await store.append(stream, batch, { expectedRevision: 'no_stream' })
        await store.append(stream, [event()], { expectedRevision: 1n })
        const again = await store.append(stream, batch, { expectedRevision: 'no_stream' })
        t.same(placeOf(again), placeOf(first))
        t.not(again.written, true, 'the replay does not claim to have written')
        t.equal((await collect(store.readStream(stream))).length, 3)
      })

      t.test('of 50 concurrent appends at the same revision exactly one wins', async (t) => {
        const store = await open(t)
        const stream = await seededStream(store, 1)
        const outcomes = await Promise.allSettled(
          Array.from({ length: 50 }, () => store.append(stream, [event()], { expectedRevision: 0n })),
        )
        const failures = outcomes.filter((outcome) => outcome.status === 'rejected')
        t.equal(outcomes.length - failures.length, 1, 'one append succeeded')
        t.ok(
          failures.every(
            (failure) => failure.reason instanceof WrongExpectedRevision && failure.reason.actual === 1n,
          ),
          'the others saw the winner’s revision',
        )
        t.equal((await collect(store.readStream(stream))).length, 2)
      })

      t.test('of 50 concurrent no_stream appends to one new stream exactly one wins', async (t) => {
        const store = await open(t)
        const stream = streamName('race')
        const outcomes = await Promise.allSettled(
          Array.from({ length: 50 }, () => store.append(stream, [event()], { expectedRevision: 'no_stream' })),
        )
        t.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 1)
        t.equal((await collect(store.readStream(stream))).length, 1)
      })

      t.test('concurrent appends to different streams all succeed at distinct positions', async (t) => {
        const store = await open(t)
        const streams = Array.from({ length: 50 }, (_, index) => streamName(`parallel-${index}`))
        const results = await Promise.all(
          streams.map((stream) => store.append(stream, [event(), event()], { expectedRevision: 'no_stream' })),
        )
        t.ok(results.every((result) => result.nextRevision === 1n))
        t.equal(new Set(results.map((result) => result.position)).size, streams.length)
      })
    })

    t.test('reading a stream', async (t) => {
      const store = await open(t)
      const stream = await seededStream(store, 5)
      const read = async (options?: Parameters<EventStore['readStream']>[1]) =>
        revisions(await collect(store.readStream(stream, options)))

      t.same(await read(), [0n, 1n, 2n, 3n, 4n], 'forwards by default')
      t.same(await read({ fromRevision: 'start' }), [0n, 1n, 2n, 3n, 4n], 'forwards from the start')
      t.same(await read({ fromRevision: 2n }), [2n, 3n, 4n], 'forwards from a revision, inclusive')
      t.same(await read({ fromRevision: 1n, maxCount: 2 }), [1n, 2n], 'forwards at most maxCount')
      t.same(await read({ direction: 'backwards' }), [4n, 3n, 2n, 1n, 0n], 'backwards from the end by default')
      t.same(await read({ direction: 'backwards', fromRevision: 'end', maxCount: 1 }), [4n], 'the last event')
      t.same(await read({ direction: 'backwards', fromRevision: 2n }), [2n, 1n, 0n], 'backwards from a revision, inclusive')
      t.same(await read({ direction: 'backwards', fromRevision: 3n, maxCount: 2 }), [3n, 2n], 'backwards at most maxCount')
      t.same(await read({ fromRevision: 9n }), [], 'forwards past the end')
      t.same(await collect(store.readStream(streamName('missing'))), [], 'a missing stream yields nothing')
      t.ok(
        (await collect(store.readStream(stream))).every((stored) => stored.streamId === stream),
        'only the stream’s own events',
      )
    })

    t.test('reading $all', async (t) => {
      const store = await open(t)
      const checkpoint = await store.headPosition()
      const stream = streamName('all')
      const other = streamName('other')
      await store.append(stream, [event(), event()], { expectedRevision: 'no_stream' })
      await store.append(other, [event()], { expectedRevision: 'no_stream' })
      await store.append(stream, [event(), event()], { expectedRevision: 1n })
      const head = await store.headPosition()

      const all = await collect(store.readAll({ fromPosition: checkpoint }))
      t.ok(isStrictlyIncreasing(positions(all)), 'in position order')
      t.ok(all.every((stored) => stored.position > checkpoint), 'after the checkpoint only')
      t.same(revisions(all.filter((stored) => stored.streamId === stream)), [0n, 1n, 2n, 3n], 'a stream’s events in revision order')
      t.equal(all.filter((stored) => stored.streamId === other).length, 1)
      t.ok(head >= all.at(-1)!.position, 'headPosition is at least the last event read')

      const [, second] = all.filter((stored) => stored.streamId === stream)
      const afterSecond = await collect(store.readAll({ fromPosition: second!.position }))
      t.notOk(afterSecond.some((stored) => stored.id === second!.id), 'the checkpoint itself is excluded')
      t.same(
        revisions(afterSecond.filter((stored) => stored.streamId === stream)),
        [2n, 3n],
        'everything after the checkpoint is included',
      )

      const limited = await collect(store.readAll({ fromPosition: checkpoint, maxCount: 2 }))
      t.equal(limited.length, 2, 'at most maxCount')
      t.same(limited, all.slice(0, 2), 'the first ones')
    })

    t.test('subscribing to $all', async (t) => {
      t.test('catches up from the checkpoint, then delivers live events in order, once each', async (t) => {
        const store = await open(t)
        const stream = streamName('live')
        const first = await store.append(stream, [event(), event()], { expectedRevision: 'no_stream' })
        const checkpoint = first.position
        await store.append(stream, [event(), event()], { expectedRevision: 1n })

        const subscription = store.subscribeAll({ fromPosition: checkpoint })
        t.teardown(() => subscription.close())
        const received = ofStream(subscription, stream)
        t.same(revisions(await received.take(2)), [2n, 3n], 'caught up after the checkpoint, exclusive')

        await store.append(stream, [event()], { expectedRevision: 3n })
        await store.append(stream, [event(), event()], { expectedRevision: 4n })
        t.same(revisions(await received.take(3)), [4n, 5n, 6n], 'live events')
      })

      t.test('misses nothing appended while it catches up', async (t) => {
        const store = await open(t)
        const stream = streamName('racing')
        const checkpoint = await store.headPosition()
        let revision: ExpectedRevision = 'no_stream'
        for (let index = 0; index < 10; index += 1) {
          revision = (await store.append(stream, [event(), event()], { expectedRevision: revision })).nextRevision
        }

        const subscription = store.subscribeAll({ fromPosition: checkpoint })
        t.teardown(() => subscription.close())
        const received = ofStream(subscription, stream)
        const writer = (async () => {
          for (let index = 0; index < 10; index += 1) {
            revision = (await store.append(stream, [event(), event()], { expectedRevision: revision })).nextRevision
          }
        })()
        const events = await received.take(40)
        await writer
        t.same(revisions(events), Array.from({ length: 40 }, (_, index) => BigInt(index)))
        t.equal(new Set(ids(events)).size, 40, 'no event twice')
      })

      t.test('close ends the iteration, even while it waits for live events', async (t) => {
        const store = await open(t)
        const subscription = store.subscribeAll({ fromPosition: await store.headPosition() })
        const iterator = subscription[Symbol.asyncIterator]()
        const pending = iterator.next()
        await subscription.close()
        // Another writer of a shared store may slip one event in before the close.
        const settled = await pending
        const last = settled.done === true ? settled : await iterator.next()
        t.equal(last.done, true)
      })
    })

    t.test('closing', async (t) => {
      const store = await open(t)
      const stream = streamName('closing')
      await store.append(stream, [event()], { expectedRevision: 'no_stream' })
      await store.close()
      await t.resolves(store.close(), 'close is idempotent')
      await t.rejects(store.append(stream, [event()], { expectedRevision: 0n }), StoreClosed, 'appends after close reject')
    })
  })
}

export function event(type = 'TestEvent', data: EventToAppend['data'] = { at: Date.now() }): EventToAppend {
  return { id: randomUUID(), type, data, metadata: { test: true } }
}

export function streamName(label: string): string {
  return `contract-${label}-${randomUUID()}`
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of iterable) items.push(item)
  return items
}

async function seededStream(store: EventStore, count: number): Promise<string> {
  const stream = streamName('seeded')
  await store.append(
    stream,
    Array.from({ length: count }, () => event()),
    { expectedRevision: 'no_stream' },
  )
  return stream
}

async function expectWrongRevision(
  t: Test,
  append: Promise<unknown>,
  streamId: string,
  expected: ExpectedRevision,
  actual: bigint | 'no_stream',
): Promise<void> {
  const error = await append.then(
    () => undefined,
    (error: unknown) => error,
  )
  if (!(error instanceof WrongExpectedRevision)) {
    t.fail('expected a WrongExpectedRevision', { found: error })
    return
  }
  t.equal(error.code, 'STORE.WRONG_EXPECTED_REVISION')
  t.equal(error.streamId, streamId)
  t.equal(error.expected, expected)
  t.equal(error.actual, actual)
}

/** Reads one stream's events off a subscription, in arrival order, failing when they are late. */
function ofStream(subscription: AsyncIterable<StoredEvent>, stream: string) {
  const iterator = subscription[Symbol.asyncIterator]()
  return {
    async take(count: number): Promise<StoredEvent[]> {
      const taken: StoredEvent[] = []
      let timer: NodeJS.Timeout | undefined
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`subscription delivered ${taken.length} of ${count} events in ${DELIVERY_DEADLINE_MS} ms`)),
          DELIVERY_DEADLINE_MS,
        )
      })
      try {
        while (taken.length < count) {
          const next = await Promise.race([iterator.next(), deadline])
          if (next.done === true) throw new Error(`subscription ended after ${taken.length} of ${count} events`)
          if (next.value.streamId === stream) taken.push(next.value)
        }
        return taken
      } finally {
        clearTimeout(timer)
      }
    },
  }
}

function revisions(events: readonly StoredEvent[]): bigint[] {
  return events.map((stored) => stored.revision)
}

function positions(events: readonly StoredEvent[]): bigint[] {
  return events.map((stored) => stored.position)
}

function ids(events: readonly { id: string }[]): string[] {
  return events.map((stored) => stored.id)
}

function isStrictlyIncreasing(values: readonly bigint[]): boolean {
  return values.every((value, index) => index === 0 || value > values[index - 1]!)
}

/** Where an append left the stream, without the adapter-dependent `written` flag. */
function placeOf({ nextRevision, position }: AppendResult): Pick<AppendResult, 'nextRevision' | 'position'> {
  return { nextRevision, position }
}
