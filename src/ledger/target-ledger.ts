// The application service for targets: load a stream, fold it, decide, append the new events with
// metadata and hash chain. HTTP routes, the seed loader and the CLI all write through here.
import { randomUUID } from 'node:crypto'
import type { CommandContext, TargetCommand } from '../../domain/commands.js'
import type { RecordedTargetEvent, TargetEvent } from '../../domain/events.js'
import { evolve, initialState, isDefined, type TargetState } from '../../domain/state.js'
import { decide } from '../../domain/decider.js'
import { defaultThresholds, type Thresholds } from '../../domain/status.js'
import type { Actor, Instant, IsoDate } from '../../domain/target.js'
import { viewAt, type TargetView } from '../../domain/view.js'
import { compareInstants } from '../../domain/calendar.js'
import { errors } from '../../domain/errors.js'
import {
  WrongExpectedRevision,
  type EventStore,
  type EventToAppend,
  type Json,
} from '../store/event-store.js'
import { calendarDay, instant, type Clock } from './clock.js'
import { deterministicEventId } from './event-ids.js'
import { genesisHash, hashEvent } from './event-hash.js'
import { decodeTargetEvent } from './event-codec.js'
import { eventSchemaVersion } from './event-metadata.js'

export const targetStreamPrefix = 'target-'
export const targetStreamId = (targetId: string): string => `${targetStreamPrefix}${targetId}`

export interface TargetLedgerOptions {
  store: EventStore
  clock: Clock
  /** The zone "today" is reckoned in. */
  timeZone: string
  thresholds?: Thresholds
  /** Event ids when a write carries no idempotency key. */
  newId?: () => string
  /** How often a write that lost an optimistic race is retried before it fails with a conflict. */
  maxAttempts?: number
  /** Targets whose folded state is kept in memory between requests (least recently used out). Default 10,000. */
  maxCachedStreams?: number
}

export interface WriteMeta {
  actor: Actor
  correlationId: string
  causationId?: string
  /** Also the seed of the event ids, so a retried request appends nothing new. */
  idempotencyKey?: string
  /** If-Match: the write happens only if the target's stream is at this revision. */
  expectedRevision?: bigint
  /** Marks the events as made-up demo data (`target-ledger demo`); recorded in their metadata and hash. */
  synthetic?: true
}

export interface LoadedTarget {
  state: TargetState
  /** The revision of the stream's last event; undefined when the stream does not exist. */
  revision: bigint | undefined
  headHash: string
  /** The events a write with this event id as its first id appended, when they are among the stream's latest. */
  written(firstEventId: string): { events: WrittenEvent[]; position: bigint } | undefined
}

export interface WrittenEvent {
  id: string
  type: TargetEvent['type']
  revision: bigint
  data: Json
}

export interface WriteResult {
  targetId: string
  events: WrittenEvent[]
  /** The stream's revision after the write (the ETag). */
  revision: bigint
  /** The global position of the write's last event. */
  position: bigint
  /** True when the events of this idempotency key were already in the stream: nothing was appended. */
  replayed: boolean
}

export interface ReadOptions {
  asOf?: IsoDate
  knownAt?: Instant
}

/** Thrown when If-Match names a revision the stream is not at. */
export class PreconditionFailed extends Error {
  readonly code = 'TARGET.PRECONDITION_FAILED'
  constructor(
    readonly targetId: string,
    readonly expected: bigint,
    readonly actual: bigint | undefined,
  ) {
    super(`target ${targetId} is at revision ${actual ?? 'none'}, not ${expected}`)
    this.name = 'PreconditionFailed'
  }
}

export interface TargetLedger {
  load(targetId: string, options?: { knownAt?: Instant }): Promise<LoadedTarget>
  execute(targetId: string, command: TargetCommand, meta: WriteMeta): Promise<WriteResult>
  /** The target as of a day (default today), from everything known at `knownAt` (default now). */
  view(targetId: string, options?: ReadOptions): Promise<{ view: TargetView; revision: bigint }>
  today(): IsoDate
}

/**
 * A retried write is recognised among a target's latest events; an older retry is answered by the
 * HTTP layer's durable Idempotency-Key record instead.
 */
const recentEventsKept = 64

interface RecentEvent extends WrittenEvent {
  position: bigint
  key: string | undefined
}

interface Snapshot {
  state: TargetState
  revision: bigint | undefined
  headHash: string
  recent: readonly RecentEvent[]
}

const emptySnapshot: Snapshot = { state: initialState, revision: undefined, headHash: genesisHash, recent: [] }

/** An event this process appended, as the domain folds it: recognised when the stream is read again. */
interface OwnEvent {
  hash: string
  context: RecordedTargetEvent['context']
  key: string | undefined
}

const storedHash = (metadata: Json): unknown =>
  metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) ? metadata['hash'] : undefined

/** The day of `at` in `timeZone`, formatted once a minute: every zone in use today is offset from UTC by whole minutes. */
const dayClock = (timeZone: string) => {
  let minute = Number.NaN
  let day = ''
  return (at: Date): IsoDate => {
    const now = Math.floor(at.getTime() / 60_000)
    if (now !== minute) {
      day = calendarDay(at, timeZone)
      minute = now
    }
    return day
  }
}

const writtenBy = (recent: readonly RecentEvent[], firstEventId: string): { events: WrittenEvent[]; position: bigint } | undefined => {
  const first = recent.findIndex((event) => event.id === firstEventId)
  if (first === -1) return undefined
  // A write's events are consecutive and carry the same idempotency key.
  const key = recent[first]!.key
  let last = first
  while (key !== undefined && recent[last + 1]?.key === key) last += 1
  const events = recent.slice(first, last + 1)
  return {
    events: events.map(({ id, type, revision, data }) => ({ id, type, revision, data })),
    position: events[events.length - 1]!.position,
  }
}

const foldKnown = (state: TargetState, event: RecordedTargetEvent, knownAt: Instant | undefined): TargetState =>
  knownAt === undefined || compareInstants(event.context.recordedAt, knownAt) <= 0 ? evolve(state, event) : state

export const createTargetLedger = (options: TargetLedgerOptions): TargetLedger => {
  const {
    store,
    clock,
    timeZone,
    thresholds = defaultThresholds,
    newId = randomUUID,
    maxAttempts = 5,
    maxCachedStreams = 10_000,
  } = options
  const dayOf = dayClock(timeZone)
  const today = () => dayOf(clock.now())

  // Each target's folded state, kept between requests so a write reads only the events appended since
  // (by anyone, through the store): without it every write would re-read its whole stream.
  const snapshots = new Map<string, Snapshot>()
  // The events of each stream's last write from here, by event id. Reading them back is still how the
  // snapshot advances (another process may have written first), but an event whose stored hash is the
  // one computed here holds exactly what was appended, so its schema check is skipped.
  const ownWrites = new Map<string, Map<string, OwnEvent>>()

  const current = async (streamId: string): Promise<Snapshot> => {
    const cached = snapshots.get(streamId) ?? emptySnapshot
    let { state, revision, headHash } = cached
    let recent: RecentEvent[] | undefined
    const fromRevision = revision === undefined ? 'start' : revision + 1n
    const own = ownWrites.get(streamId)
    ownWrites.delete(streamId)
    for await (const stored of store.readStream(streamId, { fromRevision })) {
      const mine = own?.get(stored.id)
      let event: RecordedTargetEvent
      let key: string | undefined
      if (mine !== undefined && storedHash(stored.metadata) === mine.hash) {
        event = { type: stored.type, data: stored.data, context: mine.context } as unknown as RecordedTargetEvent
        key = mine.key
        headHash = mine.hash
      } else {
        const decoded = decodeTargetEvent(stored)
        event = decoded.event
        key = decoded.metadata.idempotencyKey
        headHash = decoded.hash
      }
      state = evolve(state, event)
      revision = stored.revision
      recent ??= [...cached.recent]
      recent.push({ id: stored.id, type: event.type, revision: stored.revision, position: stored.position, data: stored.data, key })
      if (recent.length > recentEventsKept) recent.shift()
    }
    const snapshot = recent === undefined ? cached : { state, revision, headHash, recent }
    // Least recently used first out: re-inserting moves the stream to the end of the Map's order.
    const latest = snapshots.get(streamId)
    if (latest === undefined || latest.revision === undefined || (revision !== undefined && revision >= latest.revision)) {
      snapshots.delete(streamId)
      snapshots.set(streamId, snapshot)
    }
    if (snapshots.size > maxCachedStreams) snapshots.delete(snapshots.keys().next().value!)
    return snapshot
  }

  const load = async (targetId: string, { knownAt }: { knownAt?: Instant } = {}): Promise<LoadedTarget> => {
    const streamId = targetStreamId(targetId)
    if (knownAt === undefined) {
      const { state, revision, headHash, recent } = await current(streamId)
      return { state, revision, headHash, written: (firstEventId) => writtenBy(recent, firstEventId) }
    }
    // "What did we know then" replays the whole stream, leaving out what was recorded later.
    let state = initialState
    let revision: bigint | undefined
    let headHash = genesisHash
    for await (const stored of store.readStream(streamId)) {
      const decoded = decodeTargetEvent(stored)
      state = foldKnown(state, decoded.event, knownAt)
      revision = stored.revision
      headHash = decoded.hash
    }
    return { state, revision, headHash, written: () => undefined }
  }

  const toAppend = (
    streamId: string,
    events: TargetEvent[],
    loaded: LoadedTarget,
    meta: WriteMeta,
    recordedAt: Instant,
    eventId: (index: number) => string,
  ): EventToAppend[] => {
    let prevHash = loaded.headHash
    let revision = loaded.revision ?? -1n
    return events.map((event, index) => {
      revision += 1n
      const metadata = {
        actor: { id: meta.actor.id, role: meta.actor.role },
        recordedAt,
        correlationId: meta.correlationId,
        ...(meta.causationId !== undefined ? { causationId: meta.causationId } : {}),
        ...(meta.idempotencyKey !== undefined ? { idempotencyKey: meta.idempotencyKey } : {}),
        ...(meta.synthetic === true ? { synthetic: true as const } : {}),
        schemaVersion: eventSchemaVersion,
        prevHash,
      }
      const data = event.data as unknown as Json
      const hash = hashEvent(prevHash, { streamId, revision, type: event.type, data, metadata })
      prevHash = hash
      return { id: eventId(index), type: event.type, data, metadata: { ...metadata, hash } }
    })
  }

  // Writes to one target from this process take turns, so they do not lose optimistic races to each
  // other; the expected-revision check still guards against other processes and If-Match.
  const queues = new Map<string, Promise<unknown>>()
  const oneAtATime = <T>(streamId: string, write: () => Promise<T>): Promise<T> => {
    const previous = queues.get(streamId) ?? Promise.resolve()
    const next = previous.then(write, write)
    const settled = next.then(
      () => undefined,
      () => undefined,
    )
    queues.set(streamId, settled)
    void settled.then(() => {
      if (queues.get(streamId) === settled) queues.delete(streamId)
    })
    return next
  }

  const execute = (targetId: string, command: TargetCommand, meta: WriteMeta): Promise<WriteResult> =>
    oneAtATime(targetStreamId(targetId), () => attempt(targetId, command, meta))

  const attempt = async (targetId: string, command: TargetCommand, meta: WriteMeta): Promise<WriteResult> => {
    const streamId = targetStreamId(targetId)
    const keyedId = (index: number) => deterministicEventId(`${meta.actor.id}/${streamId}`, meta.idempotencyKey!, index)
    // A v5 UUID costs a SHA-1: the first one, needed to recognise a retry, is made once for every round.
    const firstKeyedId = meta.idempotencyKey !== undefined ? keyedId(0) : undefined
    const eventId = (index: number) => (firstKeyedId === undefined ? newId() : index === 0 ? firstKeyedId : keyedId(index))
    for (let round = 1; ; round++) {
      const loaded = await load(targetId)
      // A retried write (same actor, target and key) finds its events already there: answer as the first time did.
      const previous = firstKeyedId !== undefined ? loaded.written(firstKeyedId) : undefined
      if (previous !== undefined) {
        const last = previous.events[previous.events.length - 1]!
        return { targetId, events: previous.events, revision: last.revision, position: previous.position, replayed: true }
      }
      if (meta.expectedRevision !== undefined && loaded.revision !== meta.expectedRevision) {
        throw new PreconditionFailed(targetId, meta.expectedRevision, loaded.revision)
      }
      const now = clock.now()
      const ctx: CommandContext = { actor: meta.actor, now: instant(now), today: dayOf(now) }
      const events = decide(command, loaded.state, ctx)
      const batch = toAppend(streamId, events, loaded, meta, ctx.now, eventId)
      try {
        const result = await store.append(streamId, batch, { expectedRevision: loaded.revision ?? 'no_stream' })
        const context = { actor: { id: meta.actor.id, role: meta.actor.role }, recordedAt: ctx.now }
        ownWrites.set(
          streamId,
          new Map(batch.map((event) => [event.id, { hash: storedHash(event.metadata) as string, context, key: meta.idempotencyKey }])),
        )
        const first = result.nextRevision - BigInt(batch.length) + 1n
        return {
          targetId,
          events: batch.map((event, index) => ({
            id: event.id,
            type: event.type as TargetEvent['type'],
            revision: first + BigInt(index),
            data: event.data,
          })),
          revision: result.nextRevision,
          position: result.position,
          replayed: false,
        }
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision)) throw error
        if (meta.expectedRevision !== undefined) {
          throw new PreconditionFailed(targetId, meta.expectedRevision, error.actual === 'no_stream' ? undefined : error.actual)
        }
        if (round >= maxAttempts) throw error
      }
    }
  }

  const view = async (targetId: string, { asOf, knownAt }: ReadOptions = {}) => {
    const loaded = await load(targetId, knownAt === undefined ? {} : { knownAt })
    if (!isDefined(loaded.state)) throw errors.targetNotFound()
    return { view: viewAt(loaded.state, { asOf: asOf ?? today(), thresholds }), revision: loaded.revision ?? 0n }
  }



  return { load, execute, view, today }
}
