// The EventStore port, shaped after EventStoreDB so the sqlite and esdb adapters keep the same guarantees.

/** `no_stream`: the stream must not exist; `stream_exists`: it must; `any`: no check; a bigint: the revision of the stream's last event. */
export type ExpectedRevision = 'no_stream' | 'any' | 'stream_exists' | bigint

/** JSON-serialisable data; no bigint, no undefined inside arrays. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined }

export interface EventToAppend {
  /** A UUID. Appending the same ids again at the same expected revision is idempotent. */
  id: string
  type: string
  data: Json
  metadata: Json
}

export interface StoredEvent {
  id: string
  streamId: string
  /** 0-based revision within the stream. */
  revision: bigint
  /** Global position: grows with every event, possibly with gaps. Never 0. */
  position: bigint
  type: string
  data: Json
  metadata: Json
}

export interface AppendResult {
  /** The revision of the last event now in the stream (EventStoreDB's `nextExpectedRevision`). */
  nextRevision: bigint
  /** The global position of the last event appended. */
  position: bigint
  /**
   * true: this call wrote the events. false: they were already there, at this place, and nothing was
   * written (an idempotent replay: the events stored are those of the first append, which may differ
   * from this call's in anything but their ids). Absent: the adapter cannot tell (EventStoreDB answers a
   * replay as it answers a write), or no event was given.
   */
  written?: boolean
}

export interface AppendOptions {
  expectedRevision: ExpectedRevision
  /**
   * Called with the result inside the transaction that writes the events, where the adapter writes
   * them in one on a SQLite connection (the embedded adapter): what it writes on that connection
   * commits, and becomes durable, with the events; if it throws, the append fails and nothing of
   * it is written. Not called for a replay, nor by adapters whose log is elsewhere (EventStoreDB).
   */
  whileWriting?: (result: AppendResult) => void
}

export interface ReadStreamOptions {
  /** Inclusive. Default: the first event going forwards, the last going backwards. */
  fromRevision?: bigint | 'start' | 'end'
  direction?: 'forwards' | 'backwards'
  maxCount?: number
}

export interface ReadAllOptions {
  /** A checkpoint: only events with a position strictly greater are read. Default 0n (everything). */
  fromPosition?: bigint
  maxCount?: number
}

export interface Subscription extends AsyncIterable<StoredEvent> {
  /** Ends the iteration; pending `next()` calls resolve as done. */
  close(): Promise<void>
}

export interface EventStore {
  append(streamId: string, events: readonly EventToAppend[], options: AppendOptions): Promise<AppendResult>
  /** Events of one stream in revision order; a missing stream yields nothing. */
  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<StoredEvent>
  /** Every event in position order, in pages: never the whole log in memory. */
  readAll(options?: ReadAllOptions): AsyncIterable<StoredEvent>
  /** Catch-up from `fromPosition` (exclusive), then live events as they are committed. */
  subscribeAll(options?: ReadAllOptions): Subscription
  /** The position of the last committed event, 0n when empty. */
  headPosition(): Promise<bigint>
  close(): Promise<void>
}

export class WrongExpectedRevision extends Error {
  readonly code = 'STORE.WRONG_EXPECTED_REVISION'
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`)
    this.name = 'WrongExpectedRevision'
  }
}

/** An event id is already stored (ids are unique across the whole log) and the append is not an idempotent replay of it. */
export class DuplicateEventId extends Error {
  readonly code = 'STORE.DUPLICATE_EVENT_ID'
  constructor(
    readonly streamId: string,
    readonly eventId: string,
    /** Where the id is stored already; undefined when the same append lists it twice. */
    readonly existing: { streamId: string; revision: bigint } | undefined,
  ) {
    super(
      existing === undefined
        ? `stream ${streamId}: event id ${eventId} appears twice in one append`
        : `stream ${streamId}: event id ${eventId} is already stored in ${existing.streamId} at revision ${existing.revision}`,
    )
    this.name = 'DuplicateEventId'
  }
}

/** The store was closed: no more appends or reads. */
export class StoreClosed extends Error {
  readonly code = 'STORE.CLOSED'
  constructor() {
    super('the event store is closed')
    this.name = 'StoreClosed'
  }
}

/** Whether an append at `expected` may go ahead on a stream whose last revision is `actual` (EventStoreDB's rules). */
export function revisionMatches(expected: ExpectedRevision, actual: bigint | 'no_stream'): boolean {
  if (typeof expected === 'bigint') return expected === actual
  switch (expected) {
    case 'any':
      return true
    case 'no_stream':
      return actual === 'no_stream'
    case 'stream_exists':
      return actual !== 'no_stream'
    default: {
      const _exhaustive: never = expected
      throw new TypeError(`unknown expected revision ${String(_exhaustive)}`)
    }
  }
}
