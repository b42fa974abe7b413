// A $all subscription that survives the node going away: the 6.2.1 client never resubscribes on
// its own, so this reopens it from the last delivered position with exponential backoff. The
// client call is injected (`open`), which keeps every client call in esdb-event-store.ts and lets
// tests drive failures and read the backoff schedule with a fake sleep.
import { setTimeout as delay } from 'node:timers/promises'
import type { StoredEvent, Subscription } from './event-store.js'

export interface BackoffPolicy {
  /** Delay before the first retry. */
  initialMs: number
  /** Growth per further attempt. */
  factor: number
  /** Ceiling of any single delay. */
  maxMs: number
  /**
   * Share of each delay taken off at random (0 = exact schedule, 0.5 = anywhere from half to full),
   * so the API nodes of a cluster do not all resubscribe at the same instant after an election.
   */
  jitter: number
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 100, factor: 2, maxMs: 10_000, jitter: 0.5 }

/** The delay before retry number `attempt` (0-based), without jitter: initial · factor^attempt, capped. */
export function backoffSchedule(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`attempt must be a non-negative integer, got ${attempt}`)
  return Math.min(policy.maxMs, policy.initialMs * policy.factor ** attempt)
}

/** One client subscription, already mapped to the port's events. */
export interface SubscriptionSource {
  events: AsyncIterable<StoredEvent>
  /** Ends the client subscription; called more than once, it does nothing more. */
  stop(): Promise<void>
}

export interface RetryInfo {
  /** 0 for the first retry after a failure; back to 0 once a subscription is confirmed or delivers. */
  attempt: number
  delayMs: number
  /** The exclusive position the next subscription starts from. */
  position: bigint
  /** What ended the previous subscription; undefined when the server simply ended it. */
  error: unknown
}

export interface ResubscribeOptions {
  /** Exclusive start. */
  fromPosition: bigint
  /** Stop after this many events (the port's `maxCount`). */
  maxCount?: number
  /** Opens a client subscription strictly after `position`; `confirmed` is called when the server confirms it. */
  open: (position: bigint, confirmed: () => void) => SubscriptionSource
  /** Errors worth a retry; any other error ends the iteration by rejecting. */
  isTransient: (error: unknown) => boolean
  backoff?: BackoffPolicy
  /** Waits `ms` or rejects when `signal` aborts. Injected by tests. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  /** A number in [0, 1) for the jitter. Injected by tests. */
  random?: () => number
  onRetry?: (info: RetryInfo) => void
}

const abortableSleep = (ms: number, signal: AbortSignal): Promise<void> => delay(ms, undefined, { signal })

export function createResubscribingSubscription(options: ResubscribeOptions): Subscription {
  const { open, isTransient, onRetry } = options
  const backoff = options.backoff ?? DEFAULT_BACKOFF
  const sleep = options.sleep ?? abortableSleep
  const random = options.random ?? Math.random
  const closing = new AbortController()
  let current: SubscriptionSource | undefined

  async function* run(): AsyncGenerator<StoredEvent> {
    let checkpoint = options.fromPosition
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY
    let attempt = 0
    while (!closing.signal.aborted && remaining > 0) {
      const source = open(checkpoint, () => {
        attempt = 0
      })
      current = source
      let failure: unknown
      try {
        for await (const event of source.events) {
          attempt = 0
          // A subscription starts after its position; this keeps a reopened one from repeating.
          if (event.position <= checkpoint) continue
          checkpoint = event.position
          remaining -= 1
          yield event
          if (closing.signal.aborted || remaining <= 0) return
        }
      } catch (error) {
        if (closing.signal.aborted) return
        if (!isTransient(error)) throw error
        failure = error
      } finally {
        current = undefined
        await source.stop()
      }
      if (closing.signal.aborted) return
      const delayMs = Math.round(backoffSchedule(attempt, backoff) * (1 - backoff.jitter * random()))
      onRetry?.({ attempt, delayMs, position: checkpoint, error: failure })
      attempt += 1
      try {
        await sleep(delayMs, closing.signal)
      } catch (error) {
        if (closing.signal.aborted) return
        throw error
      }
    }
  }

  const events = run()
  return {
    [Symbol.asyncIterator]: () => events,
    async close() {
      closing.abort()
      // Ends a pending wait for live events: the iteration then sees the abort and returns.
      await current?.stop()
    },
  }
}
