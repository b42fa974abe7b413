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
import { compareDates, compareInstants } from '../../domain/calendar.js'
import { errors } from '../../domain/errors.js'
import {
  WrongExpectedRevision,
  type EventStore,
  type AppendResult,
  type EventToAppend,
  type Json,
  type StoredEvent,
} from '../store/event-store.js'
import { calendarDay, instant, type Clock } from './clock.js'
import { deterministicEventId, idempotencySeed } from './event-ids.js'
import { genesisHash, hashEvent } from './event-hash.js'
import { decodeTargetEvent, type DecodedTargetEvent } from './event-codec.js'
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
  /** What the keyed request asked (the HTTP layer's fingerprint): seeds the event ids with the key (`idempotencySeed`). */
  requestFingerprint?: string
  /**
   * If-Match: the write happens only if the target's stream is at one of these revisions, or with
   * `*` only if it exists. Where the target does not exist, the answer without the condition comes
   * first when it is a refusal (RFC 9110 §13.2.1: a 404 stays a 404).
   */
  ifMatch?: IfMatch
  /** Marks the events as made-up demo data (`target-ledger demo`); recorded in their metadata and hash. */
  synthetic?: true
  /**
   * Called with the result inside the store's transaction that writes the events, where the store
   * has one on a SQLite connection (see `AppendOptions.whileWriting`): what it writes there (the
   * Idempotency-Key record of the response) is durable with the events. Not called otherwise.
   */
  whileWriting?: (result: WriteResult) => void
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

/** `*`: the stream exists; a list: its revision is one of them (none: never). */
export type IfMatch = '*' | readonly bigint[]

const ifMatchHolds = (ifMatch: IfMatch, revision: bigint | undefined): boolean =>
  revision !== undefined && (ifMatch === '*' || ifMatch.includes(revision))

/** Thrown when the stream is not where If-Match asks it to be. */
export class PreconditionFailed extends Error {
  readonly code = 'TARGET.PRECONDITION_FAILED'
  constructor(
    readonly targetId: string,
    readonly expected: IfMatch,
    readonly actual: bigint | undefined,
  ) {
    super(`target ${targetId} is at revision ${actual ?? 'none'}, not ${PreconditionFailed.describe(expected)}`)
    this.name = 'PreconditionFailed'
  }

  /** `*`, or the revisions as a list (`3, 4`); `none` for an empty one. */
  static describe(expected: IfMatch): string {
    return expected === '*' ? 'any' : expected.length === 0 ? 'none' : expected.join(', ')
  }
}

/**
 * The day a read is as of when it names none: today; with `knownAt`, the day of that instant when it
 * is earlier, so "what did the dashboard say then" reads the day the dashboard showed then, not
 * today's expected progress against what was known then.
 */
export const defaultAsOf = (today: (at?: Instant) => IsoDate, knownAt?: Instant): IsoDate => {
  const now = today()
  if (knownAt === undefined) return now
  const then = today(knownAt)
  // Days compare as strings when their years have four digits; a fifth digit is later than today anyway.
  return then.length === now.length && compareDates(then, now) < 0 ? then : now
}

export interface TargetLedger {
  load(targetId: string, options?: { knownAt?: Instant }): Promise<LoadedTarget>
  execute(targetId: string, command: TargetCommand, meta: WriteMeta): Promise<WriteResult>
  /** The target as of a day (default: `defaultAsOf`), from everything known at `knownAt` (default now). */
  view(targetId: string, options?: ReadOptions): Promise<{ view: TargetView; revision: bigint }>
  /** The calendar day in the ledger's time zone of `at` (default now). */
  today(at?: Instant): IsoDate
}

/**
 * A retried write is recognised among a target's latest keyed writes at once; an older one (its
 * Idempotency-Key record expired, say) by reading the stream, when `RecentWrites.mayHold` says so.
 */
const recentWritesKept = 64

/** 30 bits of an event id (its first 8 hex digits, random in a v5 UUID): a small integer, kept unboxed by V8. */
const idBits = (id: string): number => Number.parseInt(id.slice(0, 8), 16) & 0x3fffffff

interface Written {
  events: WrittenEvent[]
  /** The global position of the write's last event. */
  position: bigint
}

/**
 * A stream's latest writes that carried an idempotency key (only those can be retried: their ids
 * are derived from the key), by their first event's id. It only grows, oldest out, and adding a write
 * twice changes nothing, so every snapshot of the stream shares one.
 */
class RecentWrites {
  readonly #byFirstId = new Map<string, Written>()
  /** 30 bits of the first id of every keyed write added, however old: a few bytes each. */
  readonly #seen = new Set<number>()

  add(write: Written): void {
    const firstId = write.events[0]!.id
    if (this.#byFirstId.has(firstId)) return
    this.#byFirstId.set(firstId, write)
    this.#seen.add(idBits(firstId))
    if (this.#byFirstId.size > recentWritesKept) this.#byFirstId.delete(this.#byFirstId.keys().next().value!)
  }

  get(firstEventId: string): Written | undefined {
    return this.#byFirstId.get(firstEventId)
  }

  /** false: no write of the stream begins with this id. true: one may (rarely a false alarm), so read the stream. */
  mayHold(firstEventId: string): boolean {
    return this.#seen.has(idBits(firstEventId))
  }
}

/** The events of one write as the stream holds them, with the key and actor they carry (key undefined: not retryable). */
interface WriteRun {
  key: string | undefined
  actor: string
  written: Written
}

/**
 * `run` with `stored` added when the event carries the run's key and actor (a keyed write's events are
 * consecutive and share both, hence their ids); otherwise the new run `stored` begins.
 */
const runWith = (run: WriteRun | undefined, stored: StoredEvent, decoded: DecodedTargetEvent): WriteRun => {
  const { idempotencyKey: key, actor } = decoded.metadata
  const event = { id: stored.id, type: decoded.event.type, revision: stored.revision, data: stored.data }
  if (run !== undefined && run.key !== undefined && run.key === key && run.actor === actor.id) {
    run.written.events.push(event)
    run.written.position = stored.position
    return run
  }
  return { key, actor: actor.id, written: { events: [event], position: stored.position } }
}

interface Snapshot {
  state: TargetState
  revision: bigint | undefined
  headHash: string
  recent: RecentWrites
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

/** The answer to a write that appended `batch`. */
const writeResult = (targetId: string, batch: readonly EventToAppend[], appended: AppendResult): WriteResult => {
  const first = appended.nextRevision - BigInt(batch.length) + 1n
  return {
    targetId,
    events: batch.map((event, index) => ({ id: event.id, type: event.type as TargetEvent['type'], revision: first + BigInt(index), data: event.data })),
    revision: appended.nextRevision,
    position: appended.position,
    replayed: false,
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
  const today = (at?: Instant) => dayOf(at === undefined ? clock.now() : new Date(at))

  // Each target's folded state, kept between requests. A write decides on it as it is and advances it
  // with the events it appended: the append's expected revision is the check that nobody (another
  // process on the same file, another API node on EventStoreDB) wrote in between, and a write that
  // loses that race reads the events it missed and decides again. Reads that must see other
  // writers' events (`load`, `view`) read what was appended since the snapshot.
  const snapshots = new Map<string, Snapshot>()
  // Streams this process appended to without its snapshot learning the events (the store could not
  // tell a write from a replay): their next write reads first.
  const behind = new Set<string>()

  const remember = (streamId: string, snapshot: Snapshot): void => {
    // Least recently used first out: re-inserting moves the stream to the end of the Map's order.
    const latest = snapshots.get(streamId)
    if (latest === undefined || latest.revision === undefined || (snapshot.revision !== undefined && snapshot.revision >= latest.revision)) {
      snapshots.delete(streamId)
      snapshots.set(streamId, snapshot)
    }
    if (snapshots.size > maxCachedStreams) snapshots.delete(snapshots.keys().next().value!)
  }

  /** The snapshot with every event appended since it was taken, read from the store. */
  const current = async (streamId: string): Promise<Snapshot> => {
    const cached = snapshots.get(streamId) ?? { state: initialState, revision: undefined, headHash: genesisHash, recent: new RecentWrites() }
    behind.delete(streamId)
    let { state, revision, headHash } = cached
    let run: WriteRun | undefined
    for await (const stored of store.readStream(streamId, { fromRevision: revision === undefined ? 'start' : revision + 1n })) {
      const decoded = decodeTargetEvent(stored)
      state = evolve(state, decoded.event)
      revision = stored.revision
      headHash = decoded.hash
      const next = runWith(run, stored, decoded)
      if (next !== run && run?.key !== undefined) cached.recent.add(run.written)
      run = next
    }
    if (run?.key !== undefined) cached.recent.add(run.written)
    if (revision === cached.revision) return cached
    const snapshot = { state, revision, headHash, recent: cached.recent }
    remember(streamId, snapshot)
    return snapshot
  }

  /**
   * The keyed write whose first event has this id, read from the stream: one older than the latest
   * kept in memory. Its events are consecutive and carry the same key and actor.
   */
  const writeBeginningWith = async (streamId: string, firstEventId: string): Promise<Written | undefined> => {
    let run: WriteRun | undefined
    for await (const stored of store.readStream(streamId)) {
      if (run === undefined && stored.id !== firstEventId) continue
      const next = runWith(run, stored, decodeTargetEvent(stored))
      if (run !== undefined && next !== run) break
      run = next
    }
    return run?.written
  }

  const loaded = ({ state, revision, headHash, recent }: Snapshot): LoadedTarget => ({
    state,
    revision,
    headHash,
    written: (firstEventId) => recent.get(firstEventId),
  })

  const load = async (targetId: string, { knownAt }: { knownAt?: Instant } = {}): Promise<LoadedTarget> => {
    const streamId = targetStreamId(targetId)
    if (knownAt === undefined) return loaded(await current(streamId))
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
    const keyedId = (index: number) =>
      deterministicEventId(`${meta.actor.id}/${streamId}`, idempotencySeed(meta.idempotencyKey!, meta.requestFingerprint), index)
    // A v5 UUID costs a SHA-1: the first one, needed to recognise a retry, is made once for every round.
    const firstKeyedId = meta.idempotencyKey !== undefined ? keyedId(0) : undefined
    const eventId = (index: number) => (firstKeyedId === undefined ? newId() : index === 0 ? firstKeyedId : keyedId(index))
    for (let round = 1; ; round++) {
      // The first round decides on the snapshot as it is. What it may have missed (another process's
      // or node's events) is read when that matters: before an If-Match is compared, after a lost
      // race, and before a refusal, which must not rest on a stale state.
      const cached = round === 1 && meta.ifMatch === undefined && !behind.has(streamId) ? snapshots.get(streamId) : undefined
      const snapshot = cached ?? (await current(streamId))
      const target = loaded(snapshot)
      // A retried write (same actor, target and key) finds its events already there: answer as the first time did.
      let previous = firstKeyedId !== undefined ? target.written(firstKeyedId) : undefined
      if (previous === undefined && firstKeyedId !== undefined && snapshot.recent.mayHold(firstKeyedId)) {
        previous = await writeBeginningWith(streamId, firstKeyedId)
      }
      if (previous !== undefined) {
        const last = previous.events[previous.events.length - 1]!
        return { targetId, events: previous.events, revision: last.revision, position: previous.position, replayed: true }
      }
      const unmet = meta.ifMatch !== undefined && !ifMatchHolds(meta.ifMatch, target.revision)
      if (unmet && target.revision !== undefined) throw new PreconditionFailed(targetId, meta.ifMatch!, target.revision)
      const now = clock.now()
      const ctx: CommandContext = { actor: meta.actor, now: instant(now), today: dayOf(now) }
      let events: TargetEvent[]
      try {
        events = decide(command, target.state, ctx)
      } catch (error) {
        if (cached !== undefined) continue
        throw error
      }
      // No target: its refusal (not found) came first; a definition it would allow fails the condition.
      if (unmet) throw new PreconditionFailed(targetId, meta.ifMatch!, undefined)
      const batch = toAppend(streamId, events, target, meta, ctx.now, eventId)
      const { whileWriting } = meta
      let result: AppendResult
      // Built inside the write's transaction when `whileWriting` is called: the answer is then that same result.
      let recorded: WriteResult | undefined
      try {
        result = await store.append(streamId, batch, {
          expectedRevision: target.revision ?? 'no_stream',
          ...(whileWriting !== undefined
            ? { whileWriting: (appended: AppendResult) => whileWriting((recorded = writeResult(targetId, batch, appended))) }
            : {}),
        })
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision)) throw error
        // Another write got in first: the next round reads it, and decides (and checks If-Match) again.
        if (round >= maxAttempts) throw error
        continue
      }
      // The events were already there (a retry whose first write this snapshot missed): read them, and answer as the first time did.
      if (result.written === false && round < maxAttempts) continue
      const answer = recorded ?? writeResult(targetId, batch, result)
      if (result.written === true) {
        // What was appended is what the snapshot folds next: no need to read it back. (Where the
        // store cannot tell a write from a replay, the next write reads it.)
        const context = { actor: { id: meta.actor.id, role: meta.actor.role }, recordedAt: ctx.now }
        remember(streamId, {
          state: events.reduce((state, event) => evolve(state, { ...event, context } as RecordedTargetEvent), snapshot.state),
          revision: result.nextRevision,
          headHash: storedHash(batch[batch.length - 1]!.metadata) as string,
          recent: snapshot.recent,
        })
        if (meta.idempotencyKey !== undefined) snapshot.recent.add({ events: answer.events, position: answer.position })
      } else {
        behind.add(streamId)
      }
      return answer
    }
  }

  const view = async (targetId: string, { asOf, knownAt }: ReadOptions = {}) => {
    const loaded = await load(targetId, knownAt === undefined ? {} : { knownAt })
    if (!isDefined(loaded.state)) throw errors.targetNotFound()
    return { view: viewAt(loaded.state, { asOf: asOf ?? defaultAsOf(today, knownAt), thresholds }), revision: loaded.revision ?? 0n }
  }



  return { load, execute, view, today }
}
