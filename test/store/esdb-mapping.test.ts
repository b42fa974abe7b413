// The EventStoreDB adapter's translation rules, checked without a server: errors are built the way
// @eventstore/db-client 6.2.1 builds them (its constructors, its protobuf details, its gRPC-trailer
// conversion), events go through the same JSON steps the client applies on the wire.
import {
  ANY,
  AccessDeniedError,
  BACKWARDS,
  DeadlineExceededError,
  END,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  convertToCommandError,
  type AllStreamResolvedEvent,
  type JSONType,
  type Position,
  type RecordedEvent,
  type ResolvedEvent,
} from '@eventstore/db-client'
import sharedPb from '@eventstore/db-client/generated/shared_pb.js'
import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import {
  DuplicateEventId,
  WrongExpectedRevision,
  type EventToAppend,
  type ExpectedRevision,
  type Json,
  type StoredEvent,
  revisionMatches,
} from '../../src/store/event-store.js'
import {
  assertDistinctIds,
  checkpointToPosition,
  eventsAfter,
  firstUserEventPosition,
  fromClientPosition,
  fromRecordedEvent,
  fromStreamEvent,
  isStreamNotFound,
  isSystemEventType,
  isTransientError,
  isWrongExpectedVersion,
  planStreamRead,
  positionToCheckpoint,
  streamEvents,
  toActualRevision,
  toClientExpectedRevision,
  toClientPosition,
  toCommandError,
  toEventData,
  toWrongExpectedRevision,
} from '../../src/store/esdb-mapping.js'
import { collect } from './contract.js'

const STREAM = 'target-qingdao-projects'

/** A gRPC ServiceError as @grpc/grpc-js hands it to the client: a numeric status code, details, trailers. */
function grpcError(code: number, details: string, trailers: Record<string, string> = {}): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: { getMap: () => trailers } })
}

const GRPC = { CANCELLED: 1, DEADLINE_EXCEEDED: 4, UNAVAILABLE: 14 } as const

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  )
}

function recorded(overrides: Partial<{ type: string; revision: bigint; position: Position | undefined; data: JSONType; metadata: JSONType | Uint8Array | undefined }> = {}): RecordedEvent {
  return {
    streamId: STREAM,
    id: randomUUID(),
    isJson: true,
    revision: overrides.revision ?? 0n,
    type: overrides.type ?? 'ProgressReported',
    created: new Date('2023-07-15T08:00:00Z'),
    data: overrides.data === undefined ? { value: 39 } : overrides.data,
    metadata: 'metadata' in overrides ? overrides.metadata : { actor: { id: 'agency-1', role: 'agency' } },
    position: 'position' in overrides ? overrides.position : { commit: 1000n, prepare: 1000n },
  }
}

function fromAll(type: string, commit: bigint): AllStreamResolvedEvent {
  const event = { ...recorded({ type }), position: { commit, prepare: commit } }
  return { event, commitPosition: commit }
}

async function* iterate<T>(items: readonly T[], pulled: { count: number } = { count: 0 }): AsyncGenerator<T> {
  for (const item of items) {
    pulled.count += 1
    yield item
  }
}

async function* failing<T>(items: readonly T[], error: unknown): AsyncGenerator<T> {
  yield* items
  throw error
}

t.test('expected revisions map to the client’s constants, bigints unchanged', async (t) => {
  t.equal(toClientExpectedRevision('no_stream'), NO_STREAM)
  t.equal(toClientExpectedRevision('any'), ANY)
  t.equal(toClientExpectedRevision('stream_exists'), STREAM_EXISTS)
  t.equal(toClientExpectedRevision(0n), 0n)
  t.equal(toClientExpectedRevision(2n ** 63n), 2n ** 63n, 'beyond Number.MAX_SAFE_INTEGER')
  t.throws(() => toClientExpectedRevision(-1n), RangeError, 'a negative revision is a bug, not "no stream"')
})

t.test('revisionMatches follows EventStoreDB for every expected revision', async (t) => {
  const cases: [ExpectedRevision, bigint | 'no_stream', boolean][] = [
    ['any', 'no_stream', true],
    ['any', 4n, true],
    ['no_stream', 'no_stream', true],
    ['no_stream', 0n, false],
    ['stream_exists', 'no_stream', false],
    ['stream_exists', 0n, true],
    [3n, 3n, true],
    [3n, 2n, false],
    [0n, 'no_stream', false],
  ]
  for (const [expected, actual, matches] of cases) {
    t.equal(revisionMatches(expected, actual), matches, `${String(expected)} against ${String(actual)}`)
  }
})

t.test('the actual revision: no_stream stays no_stream, a raw -1 is no_stream, others pass', async (t) => {
  t.equal(toActualRevision(NO_STREAM), 'no_stream')
  t.equal(toActualRevision(-1n), 'no_stream')
  t.equal(toActualRevision(0n), 0n)
  t.equal(toActualRevision(41n), 41n)
})

t.test('WrongExpectedVersionError becomes the port’s WrongExpectedRevision', async (t) => {
  const expectConflict = (
    t: Test,
    error: unknown,
    expected: ExpectedRevision,
    actual: bigint | 'no_stream',
  ): void => {
    t.ok(isWrongExpectedVersion(error), 'recognised by type')
    if (!isWrongExpectedVersion(error)) return
    const mapped = toWrongExpectedRevision(STREAM, expected, error)
    t.type(mapped, WrongExpectedRevision)
    t.equal(mapped.code, 'STORE.WRONG_EXPECTED_REVISION')
    t.equal(mapped.streamId, STREAM)
    t.equal(mapped.expected, expected, 'the caller’s expected revision')
    t.equal(mapped.actual, actual)
    t.match(mapped.message, STREAM, 'the port’s message names the stream (the client’s is empty)')
  }

  t.test('as the unary append builds it', async (t) => {
    const existing = new WrongExpectedVersionError(undefined, { streamName: STREAM, expected: NO_STREAM, current: 1n })
    t.equal(existing.message, '', 'the client’s own message is empty')
    expectConflict(t, existing, 'no_stream', 1n)
    const missing = new WrongExpectedVersionError(undefined, { streamName: STREAM, expected: 0n, current: NO_STREAM })
    expectConflict(t, missing, 0n, 'no_stream')
  })

  t.test('as the batch append builds it from the server’s protobuf details', async (t) => {
    const stale = new sharedPb.WrongExpectedVersion().setExpectedStreamPosition('1').setCurrentStreamRevision('2')
    expectConflict(t, WrongExpectedVersionError.fromWrongExpectedVersion(stale, STREAM), 1n, 2n)
    const missing = new sharedPb.WrongExpectedVersion().setExpectedStreamPosition('0')
    expectConflict(t, WrongExpectedVersionError.fromWrongExpectedVersion(missing, STREAM), 0n, 'no_stream')
  })

  t.test('as the client converts gRPC trailers, where versions are the server’s raw int64', async (t) => {
    const trailers = { exception: 'wrong-expected-version', 'stream-name': STREAM, 'expected-version': '-1' }
    const withActual = convertToCommandError(grpcError(9, 'conflict', { ...trailers, 'actual-version': '4' }))
    t.equal(isWrongExpectedVersion(withActual) && withActual.expectedVersion, -1n, 'the client keeps the raw -1')
    expectConflict(t, withActual, 'no_stream', 4n)
    expectConflict(t, convertToCommandError(grpcError(9, 'conflict', trailers)), 'no_stream', 'no_stream')
    const rawMinusOne = convertToCommandError(grpcError(9, 'conflict', { ...trailers, 'expected-version': '0', 'actual-version': '-1' }))
    expectConflict(t, rawMinusOne, 0n, 'no_stream')
  })

  t.test('other errors are not conflicts', async (t) => {
    t.notOk(isWrongExpectedVersion(new UnavailableError(undefined, 'down')))
    t.notOk(isWrongExpectedVersion(new Error('wrong-expected-version')))
    t.notOk(isWrongExpectedVersion({ type: 'wrong-expected-version' }), 'a look-alike object is not the client’s error')
    t.notOk(isWrongExpectedVersion(undefined))
  })
})

t.test('StreamNotFoundError while iterating a stream read means no events', async (t) => {
  const notFound = new StreamNotFoundError(undefined, STREAM)
  t.ok(isStreamNotFound(notFound))
  t.notOk(isStreamNotFound(new UnavailableError(undefined, 'down')))
  t.same(await collect(streamEvents(failing<ResolvedEvent>([], notFound))), [], 'a missing stream yields nothing')

  const down = new UnavailableError(undefined, 'down')
  t.equal(await rejection(collect(streamEvents(failing<ResolvedEvent>([], down)))), down, 'other errors propagate')

  const event = recorded({ revision: 0n, position: { commit: 500n, prepare: 400n } })
  const read = await collect(streamEvents(iterate<ResolvedEvent>([{ event }])))
  t.same(
    read.map((stored) => [stored.revision, stored.position]),
    [[0n, 500n]],
    'events of an existing stream, at their commit position',
  )
})

t.test('transient errors are Unavailable, Cancelled by the server and NotLeader', async (t) => {
  const notLeader = convertToCommandError(
    grpcError(5, 'Leader info available', {
      exception: 'not-leader',
      'leader-endpoint-host': 'eventstore-2',
      'leader-endpoint-port': '2113',
    }),
  )
  t.ok(isTransientError(convertToCommandError(grpcError(GRPC.UNAVAILABLE, 'connect ECONNREFUSED'))), 'Unavailable')
  t.ok(isTransientError(convertToCommandError(grpcError(GRPC.CANCELLED, 'Received RST_STREAM with code 8'))), 'Cancelled by the server')
  t.ok(isTransientError(notLeader), 'NotLeader')
  t.ok(isTransientError(grpcError(GRPC.UNAVAILABLE, 'No connection established')), 'a raw gRPC Unavailable the client did not convert')

  t.notOk(isTransientError(grpcError(GRPC.CANCELLED, 'Cancelled on client')), 'our own cancellation')
  t.notOk(isTransientError(new AccessDeniedError(undefined, 'denied')))
  t.notOk(isTransientError(new DeadlineExceededError(undefined, 'late')))
  t.notOk(isTransientError(new WrongExpectedVersionError(undefined, { streamName: STREAM, expected: 0n, current: 1n })))
  t.notOk(isTransientError(new TypeError('bug')))
  t.notOk(isTransientError('unavailable'))
})

t.test('toCommandError types a raw gRPC error and leaves everything else alone', async (t) => {
  t.type(toCommandError(grpcError(GRPC.UNAVAILABLE, 'down')), UnavailableError)
  const bug = new TypeError('bug')
  t.equal(toCommandError(bug), bug)
  t.equal(toCommandError('text'), 'text')
})

t.test('positions: the port’s bigint is the commit position', async (t) => {
  t.equal(fromClientPosition({ commit: 1234n, prepare: 1200n }), 1234n)
  t.equal(toClientPosition(0n), START, '0n is before everything')
  t.same(toClientPosition(1234n), { commit: 1234n, prepare: 1234n }, 'the position of the event at 1234')
  t.same(toClientPosition(2n ** 64n - 1n), { commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n })
  t.throws(() => toClientPosition(-1n), RangeError)
  const position = 98_765n
  t.equal(fromClientPosition(toClientPosition(position) as Position), position, 'round trip')
})

t.test('checkpoints round-trip through a decimal string', async (t) => {
  for (const position of [0n, 1n, 123_456_789n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n]) {
    const checkpoint = positionToCheckpoint(position)
    t.equal(typeof checkpoint, 'string')
    t.equal(checkpoint, position.toString(), `${position} is written in decimal`)
    t.equal(checkpointToPosition(checkpoint), position, `${position} reads back exactly`)
  }
  t.equal(checkpointToPosition(JSON.parse(JSON.stringify({ at: positionToCheckpoint(2n ** 60n) })).at), 2n ** 60n, 'through JSON')
  for (const bad of ['', ' 1', '1 ', '01', '-1', '+1', '1e3', '0x10', '1.0', 'no_stream', '18446744073709551616']) {
    t.throws(() => checkpointToPosition(bad), RangeError, `refuses ${JSON.stringify(bad)}`)
  }
  t.throws(() => positionToCheckpoint(-1n), RangeError)
})

t.test('events to append become JSON events the client sends as written', async (t) => {
  const id = randomUUID()
  const event: EventToAppend = {
    id: id.toUpperCase(),
    type: 'ProgressReported',
    data: { targetId: 'qingdao-projects', value: 39, unit: '个', nested: [1, 'a', null, true] },
    metadata: { actor: { id: 'agency-1', role: 'agency' }, recordedAt: '2023-07-15T08:00:00.000Z' },
  }
  const data = toEventData(event)
  t.equal(data.id, id, 'the id lower-cased, as EventStoreDB reads a GUID back')
  t.equal(data.type, 'ProgressReported')
  t.equal(data.contentType, 'application/json')
  t.same(data.data, event.data)
  t.ok(data.metadata instanceof Uint8Array && data.metadata.constructor === Uint8Array, 'metadata as plain Uint8Array bytes')
  t.same(JSON.parse(Buffer.from(data.metadata as Uint8Array).toString('utf8')), event.metadata)
})

t.test('data and metadata read back as written, JSON scalars included', async (t) => {
  const values: Json[] = [{ a: 1, b: [true, null, 'x'] }, [1, 2], 'text', '', null, 0, 42.5, false, true]
  for (const value of values) {
    const data = toEventData({ id: randomUUID(), type: 'Test', data: value, metadata: value })
    // What the client does: JSON.stringify(data) on the way out, JSON.parse of both on the way back.
    const wireData = JSON.parse(JSON.stringify(data.data)) as JSONType
    const wireMetadata = JSON.parse(Buffer.from(data.metadata as Uint8Array).toString('utf8')) as JSONType
    const stored = fromRecordedEvent(recorded({ data: wireData, metadata: wireMetadata }), 1n)
    t.strictSame(stored.data, value, `data ${JSON.stringify(value)}`)
    t.strictSame(stored.metadata, value, `metadata ${JSON.stringify(value)}`)
  }
})

t.test('events that EventStoreDB cannot take as written are refused before any I/O', async (t) => {
  const valid: EventToAppend = { id: randomUUID(), type: 'Test', data: {}, metadata: {} }
  const cyclic: { self?: unknown } = {}
  cyclic.self = cyclic
  const bigintInside = { value: 1n } as unknown as Json
  t.throws(() => toEventData({ ...valid, data: bigintInside }), { name: 'TypeError', message: /data is not JSON-serialisable/ })
  t.throws(() => toEventData({ ...valid, metadata: bigintInside }), { name: 'TypeError', message: /metadata/ })
  t.throws(() => toEventData({ ...valid, data: cyclic as Json }), TypeError)
  t.throws(() => toEventData({ ...valid, id: 'report-1' }), { name: 'TypeError', message: /UUID/ })
  t.throws(() => toEventData({ ...valid, type: '$metadata' }), { name: 'TypeError', message: /system events/ })
  t.throws(() => toEventData({ ...valid, type: '' }), TypeError)
})

t.test('an id repeated within one append is a DuplicateEventId', async (t) => {
  const id = randomUUID()
  const event = (eventId: string): EventToAppend => ({ id: eventId, type: 'Test', data: {}, metadata: {} })
  t.doesNotThrow(() => assertDistinctIds(STREAM, [event(id), event(randomUUID())]))
  const error = t.throws(() => assertDistinctIds(STREAM, [event(id), event(id.toUpperCase())]))
  t.type(error, DuplicateEventId)
  t.equal((error as DuplicateEventId).existing, undefined)
})

t.test('events read back', async (t) => {
  t.test('metadata that was empty reads as null', async (t) => {
    t.equal(fromRecordedEvent(recorded({ metadata: undefined }), 1n).metadata, null)
  })
  t.test('a binary event or binary metadata is refused with its place in the log', async (t) => {
    const json = recorded()
    const binary: RecordedEvent = { ...json, isJson: false, data: new Uint8Array([1, 2]), metadata: undefined }
    t.throws(() => fromRecordedEvent(binary, 1n), { name: 'TypeError', message: new RegExp(`${STREAM}@0`) })
    t.throws(() => fromRecordedEvent(recorded({ metadata: new Uint8Array([0xff]) }), 1n), TypeError)
  })
  t.test('a stream read without a known position is refused', async (t) => {
    t.throws(() => fromStreamEvent({ event: recorded({ position: undefined }) }), { message: /22\.6/ })
    const unknown = 2n ** 64n - 1n
    t.throws(() => fromStreamEvent({ event: recorded({ position: { commit: unknown, prepare: unknown } }) }), TypeError)
  })
})

t.test('reading $all: system events skipped, the checkpoint itself excluded, maxCount honoured', async (t) => {
  const log = [
    fromAll('$metadata', 100n),
    fromAll('TargetDefined', 200n),
    fromAll('ProgressReported', 300n),
    { commitPosition: 350n },
    fromAll('$statsCollected', 400n),
    fromAll('ReportAccepted', 500n),
    fromAll('ReportRejected', 600n),
  ] satisfies AllStreamResolvedEvent[]
  const positions = (events: StoredEvent[]) => events.map((event) => event.position)

  t.same(positions(await collect(eventsAfter(iterate(log), 0n))), [200n, 300n, 500n, 600n], 'from the start')
  // readAll starts AT the checkpoint: the event there comes first and must not be delivered again.
  t.same(positions(await collect(eventsAfter(iterate(log.slice(2)), 300n))), [500n, 600n], 'after a checkpoint')
  const pulled = { count: 0 }
  t.same(positions(await collect(eventsAfter(iterate(log, pulled), 0n, 2))), [200n, 300n], 'at most maxCount')
  t.equal(pulled.count, 3, 'and the read is not consumed further')
  t.same(await collect(eventsAfter(iterate(log), 0n, 0)), [], 'maxCount 0 reads nothing')
})

t.test('the head is the last user event of a backwards $all read', async (t) => {
  const backwards = [fromAll('$scavengeCompleted', 900n), fromAll('$metadata', 800n), fromAll('TargetClosed', 700n), fromAll('TargetDefined', 100n)]
  t.equal(await firstUserEventPosition(iterate(backwards)), 700n)
  t.equal(await firstUserEventPosition(iterate([fromAll('$settings', 50n)])), 0n, 'only system events: empty')
  t.equal(await firstUserEventPosition(iterate<AllStreamResolvedEvent>([])), 0n, 'empty log')
})

t.test('system events are the $-prefixed types', async (t) => {
  t.ok(isSystemEventType('$metadata'))
  t.ok(isSystemEventType('$>'))
  t.notOk(isSystemEventType('ProgressReported'))
  t.notOk(isSystemEventType('Report$'))
})

t.test('stream reads plan the client call the way the sqlite adapter reads', async (t) => {
  t.same(planStreamRead(), { kind: 'read', fromRevision: START, direction: FORWARDS, maxCount: undefined })
  t.same(planStreamRead({ direction: 'backwards' }), { kind: 'read', fromRevision: END, direction: BACKWARDS, maxCount: undefined })
  t.same(planStreamRead({ fromRevision: 2n, maxCount: 3 }), { kind: 'read', fromRevision: 2n, direction: FORWARDS, maxCount: 3 })
  t.same(planStreamRead({ fromRevision: 'end' }), { kind: 'nothing' }, 'forwards from the end')
  t.same(planStreamRead({ maxCount: 0 }), { kind: 'nothing' })
  t.same(planStreamRead({ fromRevision: -1n }), { kind: 'read', fromRevision: START, direction: FORWARDS, maxCount: undefined })
  t.same(planStreamRead({ fromRevision: -1n, direction: 'backwards' }), { kind: 'nothing' })
  t.same(
    planStreamRead({ maxCount: Number.POSITIVE_INFINITY }),
    { kind: 'read', fromRevision: START, direction: FORWARDS, maxCount: undefined },
    'Infinity is left to the client’s default, never sent',
  )
})
