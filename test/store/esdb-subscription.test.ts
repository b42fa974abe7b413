// Resubscription after a dropped $all subscription, driven by scripted client subscriptions and a
// fake sleep that records the backoff schedule instead of waiting.
import { AccessDeniedError, NotLeaderError, UnavailableError, convertToCommandError } from '@eventstore/db-client'
import t from 'tap'
import type { StoredEvent, Subscription } from '../../src/store/event-store.js'
import { isTransientError } from '../../src/store/esdb-mapping.js'
import {
  DEFAULT_BACKOFF,
  backoffSchedule,
  createResubscribingSubscription,
  type ResubscribeOptions,
  type RetryInfo,
  type SubscriptionSource,
} from '../../src/store/esdb-subscription.js'

function stored(position: bigint): StoredEvent {
  return {
    id: `00000000-0000-4000-8000-${position.toString().padStart(12, '0')}`,
    streamId: 'target-a',
    revision: position,
    position,
    type: 'ProgressReported',
    data: {},
    metadata: {},
  }
}

const unavailable = () => new UnavailableError(undefined, 'node went away')
const notLeader = () =>
  convertToCommandError(
    Object.assign(new Error('not leader'), {
      code: 5,
      details: 'Leader info available',
      metadata: { getMap: () => ({ exception: 'not-leader', 'leader-endpoint-host': 'node-2', 'leader-endpoint-port': '2113' }) },
    }),
  )

/** One scripted client subscription: delivers `events`, then fails with `error`, or ends, or waits until stopped. */
interface Script {
  events?: bigint[]
  then: 'fail' | 'end' | 'wait'
  error?: () => unknown
  confirm?: boolean
}

function harness(scripts: Script[], options: Partial<ResubscribeOptions> = {}) {
  const opened: bigint[] = []
  const sleeps: number[] = []
  const retries: RetryInfo[] = []
  let stops = 0
  const subscription = createResubscribingSubscription({
    fromPosition: 0n,
    isTransient: isTransientError,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    random: () => 0,
    onRetry: (info) => retries.push(info),
    open: (position, confirmed): SubscriptionSource => {
      opened.push(position)
      const script = scripts.shift() ?? { then: 'wait' }
      let release: (() => void) | undefined
      const stopped = new Promise<void>((resolve) => {
        release = resolve
      })
      async function* events(): AsyncGenerator<StoredEvent> {
        if (script.confirm === true) confirmed()
        for (const position of script.events ?? []) yield stored(position)
        if (script.then === 'fail') throw script.error?.() ?? unavailable()
        if (script.then === 'wait') await stopped
      }
      let stopping: Promise<void> | undefined
      return {
        events: events(),
        stop: () =>
          (stopping ??= (async () => {
            stops += 1
            release?.()
          })()),
      }
    },
    ...options,
  })
  return {
    subscription,
    opened,
    sleeps,
    retries,
    stops: () => stops,
  }
}

async function take(subscription: Subscription, count: number): Promise<bigint[]> {
  const iterator = subscription[Symbol.asyncIterator]()
  const positions: bigint[] = []
  while (positions.length < count) {
    const next = await iterator.next()
    if (next.done === true) break
    positions.push(next.value.position)
  }
  return positions
}

t.test('the backoff schedule doubles from 100 ms up to a 10 s ceiling', async (t) => {
  t.same(
    Array.from({ length: 10 }, (_, attempt) => backoffSchedule(attempt)),
    [100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000],
  )
  t.same(
    [0, 1, 2, 3].map((attempt) => backoffSchedule(attempt, { initialMs: 50, factor: 3, maxMs: 1000, jitter: 0 })),
    [50, 150, 450, 1000],
    'another policy',
  )
  t.equal(backoffSchedule(1000), DEFAULT_BACKOFF.maxMs, 'no overflow far out')
  t.throws(() => backoffSchedule(-1), RangeError)
  t.throws(() => backoffSchedule(1.5), RangeError)
})

t.test('a dropped subscription is reopened from the last delivered position, nothing missed or repeated', async (t) => {
  const { subscription, opened, retries } = harness([
    { events: [10n, 20n], then: 'fail', error: unavailable },
    // Servers start after the position; even if one repeated it, it is not delivered twice.
    { events: [20n, 30n], then: 'fail', error: notLeader },
    { events: [40n], then: 'wait' },
  ])
  t.same(await take(subscription, 4), [10n, 20n, 30n, 40n])
  t.same(opened, [0n, 20n, 30n], 'each reopened after the last event delivered')
  t.same(
    retries.map((retry) => [retry.attempt, retry.position]),
    [
      [0, 20n],
      [0, 30n],
    ],
    'delivering events resets the backoff',
  )
  t.type(retries[0]!.error, UnavailableError)
  t.type(retries[1]!.error, NotLeaderError)
  await subscription.close()
})

t.test('repeated failures back off exponentially on the injected clock; a confirmed subscription resets it', async (t) => {
  const { subscription, sleeps, opened } = harness([
    { then: 'fail' },
    { then: 'fail' },
    { then: 'fail' },
    { then: 'fail' },
    { then: 'fail', confirm: true },
    { then: 'fail' },
    { events: [7n], then: 'wait' },
  ])
  t.same(await take(subscription, 1), [7n])
  t.same(sleeps, [100, 200, 400, 800, 100, 200])
  t.same(opened, [0n, 0n, 0n, 0n, 0n, 0n, 0n], 'always from the unchanged checkpoint')
  await subscription.close()
})

t.test('jitter takes up to its share off each delay', async (t) => {
  const { subscription, sleeps } = harness([{ then: 'fail' }, { then: 'fail' }, { events: [1n], then: 'wait' }], {
    random: () => 0.5,
  })
  await take(subscription, 1)
  t.same(sleeps, [75, 150], 'with jitter 0.5 and random 0.5: three quarters')
  await subscription.close()
})

t.test('a subscription the server simply ends is reopened too', async (t) => {
  const { subscription, opened, retries } = harness([{ events: [5n], then: 'end' }, { events: [6n], then: 'wait' }])
  t.same(await take(subscription, 2), [5n, 6n])
  t.same(opened, [0n, 5n])
  t.equal(retries[0]!.error, undefined)
  await subscription.close()
})

t.test('an error that is not transient ends the iteration with that error', async (t) => {
  const denied = new AccessDeniedError(undefined, 'denied')
  const { subscription, sleeps, opened, stops } = harness([{ events: [1n], then: 'fail', error: () => denied }])
  const iterator = subscription[Symbol.asyncIterator]()
  t.same((await iterator.next()).value?.position, 1n)
  await t.rejects(iterator.next(), denied)
  t.same(sleeps, [], 'no retry')
  t.same(opened, [0n])
  t.equal(stops(), 1, 'the client subscription was stopped')
})

t.test('close ends an iteration that waits for live events', async (t) => {
  const { subscription, stops, opened } = harness([{ events: [1n], then: 'wait' }])
  const iterator = subscription[Symbol.asyncIterator]()
  t.equal((await iterator.next()).value?.position, 1n)
  const pending = iterator.next()
  await subscription.close()
  t.same(await pending, { value: undefined, done: true })
  t.equal(stops(), 1)
  t.same(opened, [0n], 'not reopened after close')
})

t.test('close during a backoff wait ends the iteration without reopening', async (t) => {
  let closeNow: (() => Promise<void>) | undefined
  const { subscription, opened } = harness([{ then: 'fail' }], {
    sleep: (_ms, signal) =>
      new Promise<void>((_, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason))
        void closeNow?.()
      }),
  })
  closeNow = () => subscription.close()
  t.same(await take(subscription, 1), [])
  t.same(opened, [0n])
})

t.test('a subscription closed before it is iterated opens nothing', async (t) => {
  const { subscription, opened } = harness([{ events: [1n], then: 'wait' }])
  await subscription.close()
  t.same(await take(subscription, 1), [])
  t.same(opened, [])
})

t.test('maxCount ends the iteration and stops the client subscription', async (t) => {
  const { subscription, stops } = harness([{ events: [1n, 2n, 3n], then: 'wait' }], { maxCount: 2 })
  t.same(await take(subscription, 5), [1n, 2n])
  t.equal(stops(), 1)
})

t.test('starts strictly after fromPosition', async (t) => {
  const { subscription, opened } = harness([{ events: [40n, 50n], then: 'wait' }], { fromPosition: 40n })
  t.same(await take(subscription, 1), [50n])
  t.same(opened, [40n])
  await subscription.close()
})

t.test('the default sleep is cut short by close', async (t) => {
  const { subscription } = harness([{ then: 'fail' }], {
    sleep: undefined,
    backoff: { ...DEFAULT_BACKOFF, initialMs: 60_000, jitter: 0 },
  })
  const iterator = subscription[Symbol.asyncIterator]()
  const pending = iterator.next()
  // Let the first subscription fail and the minute-long wait begin.
  await new Promise((resolve) => setImmediate(resolve))
  const started = Date.now()
  await subscription.close()
  t.same(await pending, { value: undefined, done: true })
  t.ok(Date.now() - started < 5_000, 'did not wait out the backoff')
})
