// Pure translation between the EventStore port and @eventstore/db-client 6.2.1 values: revisions,
// positions, checkpoints, events and errors. No client calls here; they all live in esdb-event-store.ts.
import {
  ANY,
  BACKWARDS,
  END,
  ErrorType,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  convertToCommandError,
  isCommandError,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type CurrentRevision,
  type Direction,
  type EventData,
  type JSONType,
  type Position,
  type ReadPosition,
  type ReadRevision,
  type RecordedEvent,
  type ResolvedEvent,
  type StreamNotFoundError,
  type WrongExpectedVersionError,
} from '@eventstore/db-client'
import {
  DuplicateEventId,
  WrongExpectedRevision,
  type EventToAppend,
  type ExpectedRevision,
  type Json,
  type ReadStreamOptions,
  type StoredEvent,
} from './event-store.js'

// ---------------------------------------------------------------------------------------------
// Expected revisions

export function toClientExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (typeof expected === 'bigint') {
    // The client would send it as an unsigned 64-bit string; a negative one is a caller's bug.
    if (expected < 0n) throw new RangeError(`expected revision must be >= 0, got ${expected}`)
    return expected
  }
  switch (expected) {
    case 'no_stream':
      return NO_STREAM
    case 'any':
      return ANY
    case 'stream_exists':
      return STREAM_EXISTS
    default: {
      const _exhaustive: never = expected
      throw new TypeError(`unknown expected revision ${String(_exhaustive)}`)
    }
  }
}

/**
 * The client reports a missing stream as `'no_stream'`; a raw server version of -1 (the server's
 * int64 spelling of "no stream", seen when the error is rebuilt from gRPC trailers) means the same.
 */
export function toActualRevision(current: CurrentRevision): bigint | 'no_stream' {
  if (current === NO_STREAM) return 'no_stream'
  return current < 0n ? 'no_stream' : current
}


// ---------------------------------------------------------------------------------------------
// Errors

export function isWrongExpectedVersion(error: unknown): error is WrongExpectedVersionError {
  return error instanceof Error && isCommandError(error) && error.type === ErrorType.WRONG_EXPECTED_VERSION
}

export function isStreamNotFound(error: unknown): error is StreamNotFoundError {
  return error instanceof Error && isCommandError(error) && error.type === ErrorType.STREAM_NOT_FOUND
}

/**
 * Errors after which a subscription is worth opening again: the node went away (`Unavailable`),
 * the server dropped the long-running call (`Cancelled`, not a cancellation of our own), or the
 * node lost leadership (`NotLeader`; the client reconnects to the leader it names on the next call).
 */
export function isTransientError(error: unknown): boolean {
  const converted = toCommandError(error)
  if (!(converted instanceof Error) || !isCommandError(converted)) return false
  return (
    converted.type === ErrorType.UNAVAILABLE ||
    converted.type === ErrorType.CANCELLED ||
    converted.type === ErrorType.NOT_LEADER
  )
}

/**
 * The client's typed error for a raw gRPC error. Some paths hand raw ones through (the server
 * capability probe before an append, for one); anything else comes back unchanged.
 */
export function toCommandError(error: unknown): unknown {
  return error instanceof Error ? convertToCommandError(error) : error
}

/**
 * The port's conflict error. `expected` is the caller's own value: the client's copy may be the
 * server's raw int64 (-1 for "no stream") when it is rebuilt from gRPC trailers. The client's
 * `message` is empty, so everything worth logging is in the fields.
 */
export function toWrongExpectedRevision(
  streamId: string,
  expected: ExpectedRevision,
  error: WrongExpectedVersionError,
): WrongExpectedRevision {
  return new WrongExpectedRevision(streamId, expected, toActualRevision(error.actualVersion))
}

// ---------------------------------------------------------------------------------------------
// Positions and checkpoints
//
// The port's global position is one bigint; EventStoreDB's is {commit, prepare}. We use `commit`:
// - $all is ordered by commit position first: it is the order subscriptions and checkpoints follow;
// - every event written through gRPC commits itself (an implicit transaction), so its commit
//   position is the log offset of its own record: unique, growing within and across appends, and
//   equal to its prepare position, in $all reads and (server 22.6+) in stream reads alike. An
//   append's result reports the commit position of its last event;
// - older servers reported a batch's first record as `prepare` in stream reads: `commit` is the
//   component that always meant "where this event is".
// Resuming from P therefore means {commit: P, prepare: P}: exactly the position of the event at P.
// (Explicit transactions of the legacy TCP API gave several events one commit position; a log
// holding those cannot be addressed by a single number. This service never writes them.)

export function fromClientPosition(position: Position): bigint {
  return position.commit
}

/** 0n is the port's "before everything". */
export function toClientPosition(position: bigint): ReadPosition {
  if (position < 0n) throw new RangeError(`position must be >= 0, got ${position}`)
  return position === 0n ? START : { commit: position, prepare: position }
}

/** Positions are unsigned 64-bit offsets: beyond JSON numbers, so stored and sent as decimal strings. */
export function positionToCheckpoint(position: bigint): string {
  if (position < 0n) throw new RangeError(`position must be >= 0, got ${position}`)
  return position.toString(10)
}

const DECIMAL = /^(0|[1-9][0-9]*)$/
const MAX_POSITION = 2n ** 64n - 1n

/** The inverse of `positionToCheckpoint`; anything but a plain decimal (`BigInt('')` is 0n!) is refused. */
export function checkpointToPosition(checkpoint: string): bigint {
  if (!DECIMAL.test(checkpoint)) throw new RangeError(`not a position checkpoint: ${JSON.stringify(checkpoint)}`)
  const position = BigInt(checkpoint)
  if (position > MAX_POSITION) throw new RangeError(`position checkpoint beyond 2^64-1: ${checkpoint}`)
  return position
}

// ---------------------------------------------------------------------------------------------
// Events written

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isSystemEventType(type: string): boolean {
  return type.startsWith('$')
}

/** EventStoreDB keeps duplicates within one append; the port refuses them, as the sqlite adapter does. */
export function assertDistinctIds(streamId: string, events: readonly EventToAppend[]): void {
  const seen = new Set<string>()
  for (const event of events) {
    const id = event.id.toLowerCase()
    if (seen.has(id)) throw new DuplicateEventId(streamId, event.id, undefined)
    seen.add(id)
  }
}

/**
 * A JSON event for the client. The id is lower-cased because EventStoreDB stores a GUID and reads
 * it back lower-case. Data and metadata are serialised here first so that a bigint or a cycle
 * fails with a clear TypeError before any I/O (inside the client it would fail mid-request).
 * Metadata goes as UTF-8 JSON bytes: the client drops falsy metadata (`null`, `0`, `''`), which
 * would not read back as written.
 */
export function toEventData(event: EventToAppend): EventData {
  if (!UUID.test(event.id)) throw new TypeError(`event id must be a UUID, got ${JSON.stringify(event.id)}`)
  if (event.type.length === 0) throw new TypeError(`event ${event.id}: the type is empty`)
  if (isSystemEventType(event.type)) {
    throw new TypeError(`event ${event.id}: types starting with $ are EventStoreDB system events, got ${event.type}`)
  }
  serializeJson(event.id, 'data', event.data)
  const metadata = new TextEncoder().encode(serializeJson(event.id, 'metadata', event.metadata))
  return jsonEvent({ id: event.id.toLowerCase(), type: event.type, data: toClientJson(event.data), metadata })
}

function serializeJson(id: string, field: 'data' | 'metadata', value: Json): string {
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch (error) {
    throw new TypeError(`event ${id}: ${field} is not JSON-serialisable (${(error as Error).message})`)
  }
  if (json === undefined) throw new TypeError(`event ${id}: ${field} is not JSON-serialisable`)
  return json
}

/**
 * The client's JSONType leaves out JSON's scalars, yet it sends data through JSON.stringify and
 * reads it back through JSON.parse, so `null`, booleans and numbers round-trip like any JSON.
 */
function toClientJson(value: Json): JSONType {
  if (typeof value === 'string' || Array.isArray(value)) return value
  if (value !== null && typeof value === 'object') return value
  return value as unknown as JSONType
}

// ---------------------------------------------------------------------------------------------
// Events read

/** What the client parsed out of a JSON event's bytes (`JSON.parse` output, typed loosely by the client). */
function fromClientJson(value: JSONType): Json {
  return value as Json
}

/** A stored event from a recorded one. Only JSON events are part of this service's log. */
export function fromRecordedEvent(recorded: RecordedEvent, position: bigint): StoredEvent {
  const where = `${recorded.streamId}@${recorded.revision}`
  if (!recorded.isJson) throw new TypeError(`event ${recorded.id} (${where}) is not a JSON event`)
  const { metadata } = recorded
  if (metadata instanceof Uint8Array) throw new TypeError(`event ${recorded.id} (${where}) has metadata that is not JSON`)
  return {
    id: recorded.id,
    streamId: recorded.streamId,
    revision: recorded.revision,
    position,
    type: recorded.type,
    data: fromClientJson(recorded.data),
    // Empty metadata reads back as undefined; this service always writes some.
    metadata: metadata === undefined ? null : fromClientJson(metadata),
  }
}

/** An event read from a stream; such reads carry positions from server 22.6 on. */
export function fromStreamEvent(resolved: ResolvedEvent): StoredEvent {
  const recorded = resolved.event
  if (recorded === undefined) throw new TypeError('a stream read returned an entry without an event')
  // Servers before 22.6 send none; an event of a legacy explicit transaction comes with the
  // server's "unknown" (-1, i.e. 2^64-1 unsigned).
  if (recorded.position === undefined || recorded.position.commit >= MAX_POSITION) {
    throw new TypeError(`event ${recorded.id} was read without a position: EventStoreDB 22.6 or later is required`)
  }
  return fromRecordedEvent(recorded, fromClientPosition(recorded.position))
}

/** The position of a $all entry unless it is a system event (or carries no event). */
export function userEventPosition(resolved: AllStreamResolvedEvent): bigint | undefined {
  const recorded = resolved.event
  if (recorded === undefined || isSystemEventType(recorded.type)) return undefined
  return fromClientPosition(recorded.position)
}

// ---------------------------------------------------------------------------------------------
// Reads, as transforms of the client's async iterables

/**
 * User events of a $all read strictly after `after`, at most `maxCount`. The system events are
 * skipped, and so is the event at `after` itself: readAll starts AT its position (inclusive), the
 * port's checkpoint is exclusive. Subscriptions start after their position already; the check
 * costs nothing there and keeps a resubscription from repeating its last event.
 */
export async function* eventsAfter(
  source: AsyncIterable<AllStreamResolvedEvent>,
  after: bigint,
  maxCount = Number.POSITIVE_INFINITY,
): AsyncGenerator<StoredEvent> {
  let remaining = maxCount
  if (remaining <= 0) return
  for await (const resolved of source) {
    const recorded = resolved.event
    if (recorded === undefined || isSystemEventType(recorded.type)) continue
    const position = fromClientPosition(recorded.position)
    if (position <= after) continue
    yield fromRecordedEvent(recorded, position)
    remaining -= 1
    if (remaining <= 0) return
  }
}

/** The events of a stream read; a missing stream (StreamNotFoundError while iterating) is no events. */
export async function* streamEvents(source: AsyncIterable<ResolvedEvent>): AsyncGenerator<StoredEvent> {
  try {
    for await (const resolved of source) yield fromStreamEvent(resolved)
  } catch (error) {
    if (isStreamNotFound(error)) return
    throw error
  }
}

/** The position of the first user event of a backwards $all read: the head of the log, 0n when none. */
export async function firstUserEventPosition(source: AsyncIterable<AllStreamResolvedEvent>): Promise<bigint> {
  for await (const resolved of source) {
    const position = userEventPosition(resolved)
    if (position !== undefined) return position
  }
  return 0n
}

// ---------------------------------------------------------------------------------------------
// Stream reads

export type StreamReadPlan =
  | { kind: 'nothing' }
  | { kind: 'read'; fromRevision: ReadRevision; direction: Direction; maxCount: number | undefined }

/**
 * The client call for a port read, with the port's edge cases settled as the sqlite adapter does:
 * forwards from the end and backwards from before revision 0 read nothing; forwards from a negative
 * revision reads from the start. `maxCount` stays undefined for "all" (the client's default).
 */
export function planStreamRead(options: ReadStreamOptions = {}): StreamReadPlan {
  const forwards = (options.direction ?? 'forwards') === 'forwards'
  const from = options.fromRevision ?? (forwards ? 'start' : 'end')
  const maxCount = options.maxCount
  if (maxCount !== undefined && maxCount <= 0) return { kind: 'nothing' }
  const limit = maxCount === undefined || !Number.isFinite(maxCount) ? undefined : maxCount
  const direction = forwards ? FORWARDS : BACKWARDS
  if (from === 'start') return { kind: 'read', fromRevision: START, direction, maxCount: limit }
  if (from === 'end') return forwards ? { kind: 'nothing' } : { kind: 'read', fromRevision: END, direction, maxCount: limit }
  if (from < 0n) return forwards ? { kind: 'read', fromRevision: START, direction, maxCount: limit } : { kind: 'nothing' }
  return { kind: 'read', fromRevision: from, direction, maxCount: limit }
}
