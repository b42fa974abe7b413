// The EventStore port on EventStoreDB through @eventstore/db-client 6.2.1. Every client call of the
// service is in this file, so moving to @kurrent/kurrentdb-client is a change here (and to the
// types in esdb-mapping.ts); the translation rules themselves are in esdb-mapping.ts.
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  excludeSystemEvents,
  type StreamingRead,
} from '@eventstore/db-client'
import {
  StoreClosed,
  WrongExpectedRevision,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type Subscription,
  revisionMatches,
} from './event-store.js'
import {
  assertDistinctIds,
  eventsAfter,
  firstUserEventPosition,
  fromClientPosition,
  isTransientError,
  isWrongExpectedVersion,
  planStreamRead,
  streamEvents,
  toClientExpectedRevision,
  toClientPosition,
  toCommandError,
  toEventData,
  toWrongExpectedRevision,
} from './esdb-mapping.js'
import {
  createResubscribingSubscription,
  DEFAULT_BACKOFF,
  type BackoffPolicy,
  type RetryInfo,
  type SubscriptionSource,
} from './esdb-subscription.js'

export interface EsdbEventStoreOptions {
  /**
   * `esdb://host:2113?tls=false` for a local insecure node; `esdb://a:2113,b:2113,c:2113?tlsCAFile=ca.crt`
   * or `esdb+discover://cluster.dns:2113?tlsCAFile=ca.crt` for a secure cluster.
   */
  connectionString: string
  /** How subscriptions back off between resubscriptions. */
  subscriptionBackoff?: Partial<BackoffPolicy>
  /** Called before each resubscription: the place to log it. */
  onSubscriptionRetry?: (info: RetryInfo) => void
}

/**
 * Connects lazily: nothing goes over the network until the first call, and a bad connection
 * string throws here, at boot.
 *
 * Idempotency: EventStoreDB recognises a retried append (same event ids) with certainty only when
 * it carries a specific expected revision (a bigint, or `no_stream` for a stream's first events);
 * with `any` or `stream_exists` it relies on a cache of recent ids and may write the events twice.
 * Callers that retry must therefore use deterministic ids and a specific revision, as the port asks.
 * Unlike the sqlite adapter, EventStoreDB does not keep event ids unique across streams, so the
 * port's `DuplicateEventId` is raised only for an id repeated within one append.
 */
export function createEsdbEventStore(options: EsdbEventStoreOptions): EventStore {
  return new EsdbEventStore(options)
}

class EsdbEventStore implements EventStore {
  readonly #client: EventStoreDBClient
  readonly #backoff: BackoffPolicy
  readonly #onSubscriptionRetry: ((info: RetryInfo) => void) | undefined
  readonly #subscriptions = new Set<Subscription>()
  readonly #appending = new Set<Promise<unknown>>()
  #closing: Promise<void> | undefined

  constructor(options: EsdbEventStoreOptions) {
    this.#client = EventStoreDBClient.connectionString(options.connectionString)
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.subscriptionBackoff }
    this.#onSubscriptionRetry = options.onSubscriptionRetry
  }

  append(streamId: string, events: readonly EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    if (this.#closing !== undefined) return Promise.reject(new StoreClosed())
    const appending = this.#append(streamId, events, options)
    this.#appending.add(appending)
    void appending.then(
      () => this.#appending.delete(appending),
      () => this.#appending.delete(appending),
    )
    return appending
  }

  async #append(streamId: string, events: readonly EventToAppend[], { expectedRevision }: AppendOptions): Promise<AppendResult> {
    assertDistinctIds(streamId, events)
    const clientRevision = toClientExpectedRevision(expectedRevision)
    // An empty append would still write a record to the log: check the revision by reading instead.
    if (events.length === 0) return this.#checkRevision(streamId, expectedRevision)
    const data = events.map(toEventData)
    try {
      const result = await this.#client.appendToStream(streamId, data, { expectedRevision: clientRevision })
      const position =
        result.position === undefined
          ? await this.#positionOf(streamId, result.nextExpectedRevision)
          : fromClientPosition(result.position)
      return { nextRevision: result.nextExpectedRevision, position }
    } catch (error) {
      const converted = toCommandError(error)
      if (isWrongExpectedVersion(converted)) throw toWrongExpectedRevision(streamId, expectedRevision, converted)
      throw converted
    }
  }

  /** Mirrors the sqlite adapter: the stream's last revision and position, or -1n / 0n when it does not exist. */
  async #checkRevision(streamId: string, expected: AppendOptions['expectedRevision']): Promise<AppendResult> {
    const [head] = await collect(this.#readStream(streamId, { direction: 'backwards', fromRevision: 'end', maxCount: 1 }))
    const actual = head?.revision ?? 'no_stream'
    if (!revisionMatches(expected, actual)) throw new WrongExpectedRevision(streamId, expected, actual)
    return head === undefined ? { nextRevision: -1n, position: 0n } : { nextRevision: head.revision, position: head.position }
  }

  /** An acknowledged append without a position (the server may send none for an idempotent replay): read it back. */
  async #positionOf(streamId: string, revision: bigint): Promise<bigint> {
    const [event] = await collect(this.#readStream(streamId, { fromRevision: revision, maxCount: 1 }))
    if (event === undefined) throw new Error(`EventStoreDB acknowledged ${streamId}@${revision} but it cannot be read back`)
    return event.position
  }

  async *readStream(streamId: string, options?: ReadStreamOptions): AsyncGenerator<StoredEvent> {
    this.#assertOpen()
    yield* this.#readStream(streamId, options)
    this.#assertNotCutShort()
  }

  /** Also serves appends already under way when `close()` starts. */
  async *#readStream(streamId: string, options?: ReadStreamOptions): AsyncGenerator<StoredEvent> {
    const plan = planStreamRead(options)
    if (plan.kind === 'nothing') return
    const read = this.#client.readStream(streamId, {
      fromRevision: plan.fromRevision,
      direction: plan.direction,
      ...(plan.maxCount === undefined ? {} : { maxCount: plan.maxCount }),
    })
    try {
      yield* streamEvents(read)
    } finally {
      await cancelUnfinished(read)
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<StoredEvent> {
    this.#assertOpen()
    const after = options.fromPosition ?? 0n
    const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY
    if (maxCount <= 0) return
    // Unbounded: how many system events lie between the user events is unknown. It streams with
    // gRPC flow control, and is cancelled as soon as the caller stops.
    const read = this.#client.readAll({ fromPosition: toClientPosition(after), direction: FORWARDS })
    try {
      yield* eventsAfter(read, after, maxCount)
    } finally {
      await cancelUnfinished(read)
    }
    this.#assertNotCutShort()
  }

  subscribeAll(options: ReadAllOptions = {}): Subscription {
    const subscription = createResubscribingSubscription({
      fromPosition: options.fromPosition ?? 0n,
      ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
      open: (position, confirmed) => this.#openSubscription(position, confirmed),
      isTransient: isTransientError,
      backoff: this.#backoff,
      ...(this.#onSubscriptionRetry === undefined ? {} : { onRetry: this.#onSubscriptionRetry }),
    })
    // As with sqlite, a subscription to a closed store ends at once.
    if (this.#closing !== undefined) {
      void subscription.close()
      return subscription
    }
    this.#subscriptions.add(subscription)
    return {
      [Symbol.asyncIterator]: () => subscription[Symbol.asyncIterator](),
      close: async () => {
        this.#subscriptions.delete(subscription)
        await subscription.close()
      },
    }
  }

  #openSubscription(position: bigint, confirmed: () => void): SubscriptionSource {
    // Start position is exclusive for subscriptions; the filter keeps system events server-side.
    const subscription = this.#client.subscribeToAll({ fromPosition: toClientPosition(position), filter: excludeSystemEvents() })
    subscription.once('confirmation', confirmed)
    let stopping: Promise<void> | undefined
    return {
      events: eventsAfter(subscription, position),
      stop: () => {
        if (stopping === undefined) {
          subscription.on('error', ignoreLateError)
          stopping = subscription.unsubscribe()
        }
        return stopping
      },
    }
  }

  async headPosition(): Promise<bigint> {
    this.#assertOpen()
    // The last event may be a system event (metadata, settings, scavenges): read back to a user one.
    const read = this.#client.readAll({ fromPosition: END, direction: BACKWARDS })
    let head: bigint
    try {
      head = await firstUserEventPosition(read)
    } finally {
      await cancelUnfinished(read)
    }
    this.#assertNotCutShort()
    return head
  }

  /** Lets pending appends finish, ends subscriptions, then disposes the client. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    await Promise.allSettled([...this.#appending])
    const subscriptions = [...this.#subscriptions]
    this.#subscriptions.clear()
    await Promise.allSettled(subscriptions.map((subscription) => subscription.close()))
    await this.#client.dispose()
  }

  #assertOpen(): void {
    if (this.#closing !== undefined) throw new StoreClosed()
  }

  /**
   * `close()` cancels the reads still open, and the client ends a cancelled read quietly, as if the
   * stream or the log ended there: a read that finishes once closing has begun must not pass for complete.
   */
  #assertNotCutShort(): void {
    this.#assertOpen()
  }
}

/**
 * A read the caller stopped early (maxCount reached, `break`, an error downstream) still has its
 * gRPC call open: cancel it. Cancelling can only fail when the call never started, and then the
 * read itself has already failed with that error.
 */
async function cancelUnfinished(read: StreamingRead<unknown>): Promise<void> {
  if (read.readableEnded) return
  read.on('error', ignoreLateError)
  await read.cancel().catch(() => undefined)
}

/**
 * Once the caller has stopped iterating, nobody listens on the client's stream any more, yet the
 * client cancels on the next turn of the event loop and forwards any gRPC error arriving before
 * that as an 'error' event: unheard, it would crash the process. The caller is done with the
 * stream, so there is nothing left to tell.
 */
function ignoreLateError(): void {}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of iterable) items.push(item)
  return items
}
