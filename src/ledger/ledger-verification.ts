// Verifying every stream's hash chain in one pass over the global log, in bounded memory.
import type { EventStore, StoredEvent } from '../store/event-store.js'
import { checkLink, followsIn, type ChainBreak, type ChainHead } from './event-hash.js'

/** A break as found in the global log: the stream's break plus the position of the event that revealed it. */
export interface LedgerBreak extends ChainBreak {
  position: bigint
}

export interface StreamState {
  /** The last event whose link verified; undefined until the stream's first event verifies. */
  head: ChainHead | undefined
  /** The stream's first break: later events of the stream are counted, not checked. */
  broken: LedgerBreak | undefined
}

/** The first break of each broken stream is kept, up to this many; the count goes on. */
export const maxReportedBreaks = 100

/**
 * Feeds on events in global position order and checks each against its stream's last verified
 * event. Memory per stream: its last revision and hash, never its events; so a log of any length
 * verifies in memory proportional to its number of streams.
 *
 * Within a stream, positions grow with revisions, so in position order every stream's events must
 * arrive as revisions 0, 1, 2 … each chaining to the one before.
 */
export class ChainWalker {
  readonly #streams = new Map<string, StreamState>()
  readonly #breaks: LedgerBreak[] = []
  #brokenStreams = 0
  #events = 0

  /** Checks the next event; returns the break it reveals, if any. */
  accept(event: StoredEvent): LedgerBreak | undefined {
    this.#events += 1
    let state = this.#streams.get(event.streamId)
    if (state === undefined) {
      state = { head: undefined, broken: undefined }
      this.#streams.set(event.streamId, state)
    }
    if (state.broken !== undefined) return undefined
    const link = checkLink(state.head, event)
    if (link.ok) {
      state.head = link.head
      return undefined
    }
    const movedFrom = this.#movedFrom(event)
    const found: LedgerBreak =
      movedFrom === undefined
        ? { streamId: event.streamId, revision: link.revision, reason: link.reason, position: event.position }
        : { streamId: event.streamId, revision: event.revision, reason: 'event_moved', movedFrom, position: event.position }
    state.broken = found
    this.#brokenStreams += 1
    if (this.#breaks.length < maxReportedBreaks) this.#breaks.push(found)
    return found
  }

  /**
   * An event whose hash verifies as the next event of another stream was moved (or copied) from
   * there. Candidates are the streams whose last verified hash is the event's prevHash. Scanned only
   * when a link fails, which happens at most once per stream.
   */
  #movedFrom(event: StoredEvent): { streamId: string; revision: bigint } | undefined {
    for (const [streamId, { head }] of this.#streams) {
      if (streamId === event.streamId || head === undefined) continue
      if (followsIn(event, streamId, head)) return { streamId, revision: head.revision + 1n }
    }
    return undefined
  }

  get events(): number {
    return this.#events
  }

  get streamCount(): number {
    return this.#streams.size
  }

  get brokenStreams(): number {
    return this.#brokenStreams
  }

  /** The first break of each broken stream, in the order found (position order), at most `maxReportedBreaks`. */
  get breaks(): readonly LedgerBreak[] {
    return this.#breaks
  }

  /** The stream's last verified event: after `accept(event)`, whether and how that event verified. */
  headOf(streamId: string): ChainHead | undefined {
    return this.#streams.get(streamId)?.head
  }

  /** Each stream's last verified event (undefined when its first event already failed) and its first break. */
  *heads(): IterableIterator<[streamId: string, state: Readonly<StreamState>]> {
    yield* this.#streams
  }
}

export interface VerifyOptions {
  /** Verify the log up to this position (inclusive). Default: the head when the walk starts. */
  toPosition?: bigint
  /** Hears of every event as it is checked, e.g. for a progress bar or to sample memory. */
  onEvent?: (event: StoredEvent, walker: ChainWalker) => void
}

export interface LedgerVerification {
  ok: boolean
  /** The last position verified: events appended during the walk are left for the next one. */
  position: bigint
  streams: number
  events: number
  /** The break at the lowest position. */
  firstBreak?: LedgerBreak
  brokenStreams: number
  /** The first break of each broken stream, at most `maxReportedBreaks`. */
  breaks: readonly LedgerBreak[]
}

/** Events between two turns of the event loop, so a long walk does not starve requests and heartbeats. */
const yieldEvery = 1000

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * Feeds `walker` the log in position order up to `toPosition` (inclusive). The store pages the
 * log, so memory stays bounded however long it is.
 */
export const walkLog = async (
  store: EventStore,
  walker: ChainWalker,
  { toPosition, onEvent }: VerifyOptions = {},
): Promise<bigint> => {
  const until = toPosition ?? (await store.headPosition())
  let sinceYield = 0
  for await (const event of store.readAll()) {
    if (event.position > until) break
    walker.accept(event)
    onEvent?.(event, walker)
    sinceYield += 1
    if (sinceYield === yieldEvery) {
      sinceYield = 0
      await yieldToEventLoop()
    }
  }
  return until
}

/** Walks the whole log once and reports whether every stream's chain holds, and where it first breaks. */
export const verifyLedger = async (store: EventStore, options: VerifyOptions = {}): Promise<LedgerVerification> => {
  const walker = new ChainWalker()
  const position = await walkLog(store, walker, options)
  const firstBreak = walker.breaks[0]
  return {
    ok: firstBreak === undefined,
    position,
    streams: walker.streamCount,
    events: walker.events,
    ...(firstBreak === undefined ? {} : { firstBreak }),
    brokenStreams: walker.brokenStreams,
    breaks: walker.breaks,
  }
}
