// Runs a demo history (demo-history.ts) through the ledger, each step at its own recorded time,
// with every event marked synthetic. Idempotent: steps whose events are already there are skipped.
import { loadCatalog } from '../../seeds/catalog-loader.js'
import type { EventStore, StoredEvent } from '../store/event-store.js'
import { fixedClock } from './clock.js'
import { defaultDemoSeed, generateDemoHistory, summarizeDemoHistory, type DemoHistorySummary, type DemoStep } from './demo-history.js'
import { eventMetadataSchema } from './event-metadata.js'
import { seedActor } from './seed.js'
import { createTargetLedger, targetStreamId } from './target-ledger.js'

export interface DemoLoadOptions {
  /** The zone "today" is reckoned in: the service's TIME_ZONE. Default Asia/Shanghai. */
  timeZone?: string
  /** Hears of every step, whether it was run now or found already there. */
  onStep?: (step: DemoStep, outcome: 'executed' | 'present') => void
}

export interface DemoLoadResult {
  /** Steps run through the ledger by this load. */
  executed: number
  /** Steps whose events were there already: from an earlier load, or, for definitions, from seeding. */
  present: number
  /** Events appended by this load. */
  appended: number
  /**
   * Targets that were seeded (by `seed` or `serve`) before the demo was loaded: their definitions keep
   * their own recorded time instead of the demo's January 2023, so `knownAt` replays before that time
   * leave them out.
   */
  seededBefore: number
}

export interface ForeignEvent {
  streamId: string
  revision: bigint
  position: bigint
  type: string
  actorId: string | undefined
  recordedAt: string | undefined
  /** Marked synthetic: most likely a demo history of another seed. */
  synthetic: boolean
}

/** The store holds events that are neither the catalog seeding nor this demo history, and the demo is not loaded yet. */
export class DemoHistoryConflict extends Error {
  readonly code = 'DEMO.CONFLICT'
  constructor(
    /** How many such events there are. */
    readonly count: number,
    /** The first of them, in log order. */
    readonly first: ForeignEvent,
  ) {
    super(
      `the event store already holds ${count} event(s) that are neither the catalog seeding nor this demo history ` +
        `(first: ${first.type} in ${first.streamId} at revision ${first.revision}, by ${first.actorId ?? 'unknown'}, recorded ${first.recordedAt ?? 'at an unknown time'}` +
        `${first.synthetic ? ', synthetic: a demo of another seed?' : ''}). ` +
        'The demo writes a made-up 2023 and would mix with them: load it into an empty DATA_DIR, or use the same --seed as the demo already there.',
    )
    this.name = 'DemoHistoryConflict'
  }
}

const writeKey = (streamId: string, actorId: string, idempotencyKey: string): string => `${streamId}\u0000${actorId}\u0000${idempotencyKey}`

const stepKey = (step: DemoStep): string => writeKey(targetStreamId(step.targetId), step.actor.id, step.idempotencyKey)

const isSeeding = (actorId: string, idempotencyKey: string | undefined): boolean =>
  actorId === seedActor.id && idempotencyKey?.startsWith('seed:') === true

interface Survey {
  /** Keys of the steps whose events are in the store. */
  present: Set<string>
  seededBefore: number
  foreign: { count: number; first: ForeignEvent | undefined }
}

/** One pass over the log: which steps are done, and whether anything else is there. */
const survey = async (store: EventStore, expected: ReadonlySet<string>): Promise<Survey> => {
  const present = new Set<string>()
  let seededBefore = 0
  const foreign: Survey['foreign'] = { count: 0, first: undefined }
  const noteForeign = (event: StoredEvent, metadata?: { actor: { id: string }; recordedAt: string; synthetic?: true | undefined }) => {
    foreign.count += 1
    foreign.first ??= {
      streamId: event.streamId,
      revision: event.revision,
      position: event.position,
      type: event.type,
      actorId: metadata?.actor.id,
      recordedAt: metadata?.recordedAt,
      synthetic: metadata?.synthetic === true,
    }
  }
  for await (const event of store.readAll()) {
    const parsed = eventMetadataSchema.safeParse(event.metadata)
    if (!parsed.success) {
      noteForeign(event)
      continue
    }
    const { actor, idempotencyKey, synthetic } = parsed.data
    const seeding = isSeeding(actor.id, idempotencyKey)
    const key = idempotencyKey === undefined ? undefined : writeKey(event.streamId, actor.id, idempotencyKey)
    if (key !== undefined && expected.has(key) && (synthetic === true || seeding)) {
      present.add(key)
      if (synthetic !== true) seededBefore += 1
    } else if (!seeding || synthetic === true) {
      // Seeding of targets this history leaves out is harmless; anything else is someone else's history.
      noteForeign(event, parsed.data)
    }
  }
  return { present, seededBefore, foreign }
}

/**
 * Lets appends through in ticket order, whichever step is ready first: the log's order is then the
 * history's order, the same on every load. A ticket passes when it submits its append, or when it
 * ends without one (a replay, a failure), so later tickets never wait for it in vain.
 */
const createTurnstile = () => {
  let turn = 0
  const passed = new Set<number>()
  const waiting = new Map<number, () => void>()
  return {
    wait: (ticket: number): Promise<void> =>
      ticket === turn ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(ticket, resolve)),
    pass: (ticket: number): void => {
      passed.add(ticket)
      while (passed.delete(turn)) turn += 1
      const next = waiting.get(turn)
      if (next !== undefined) {
        waiting.delete(turn)
        next()
      }
    },
  }
}

type Turnstile = ReturnType<typeof createTurnstile>

/** The store as one step sees it: its first append waits for its turn. */
const inTurn = (store: EventStore, turnstile: Turnstile, ticket: number): EventStore => {
  let submitted = false
  return {
    ...store,
    readStream: (...args) => store.readStream(...args),
    readAll: (...args) => store.readAll(...args),
    subscribeAll: (...args) => store.subscribeAll(...args),
    headPosition: () => store.headPosition(),
    close: () => store.close(),
    append: async (streamId, events, options) => {
      if (submitted) return store.append(streamId, events, options)
      await turnstile.wait(ticket)
      submitted = true
      // Queued synchronously, before the next ticket is let through.
      const appended = store.append(streamId, events, options)
      turnstile.pass(ticket)
      return appended
    },
  }
}

/**
 * Appends the steps not yet in the store, each through a ledger whose clock reads the step's `at`
 * (so that is its `recordedAt`, and "today" is that day) with `synthetic: true` in its metadata.
 * Different targets' steps run concurrently and share group commits, one target's one after another;
 * the log receives them in the history's order. Loading the same history again appends nothing.
 *
 * Refuses (DemoHistoryConflict) before appending anything when the history is not complete yet and
 * the store holds events other than the catalog seeding and this history's own. A step the domain
 * refuses is a bug (the history is generated to satisfy every rule): the load stops and throws.
 */
export const loadDemoHistory = async (
  store: EventStore,
  steps: readonly DemoStep[],
  { timeZone = 'Asia/Shanghai', onStep }: DemoLoadOptions = {},
): Promise<DemoLoadResult> => {
  const keys = steps.map(stepKey)
  const { present, seededBefore, foreign } = await survey(store, new Set(keys))
  const missing = steps.filter((_, index) => !present.has(keys[index]!))
  if (missing.length > 0 && foreign.first !== undefined) throw new DemoHistoryConflict(foreign.count, foreign.first)
  steps.forEach((step, index) => {
    if (present.has(keys[index]!)) onStep?.(step, 'present')
  })

  const turnstile = createTurnstile()
  let failed = false
  const run = async (step: DemoStep, ticket: number): Promise<number> => {
    try {
      if (failed) throw new Error('an earlier step failed')
      // A ledger per step: its clock stands at the step's time while other steps run at theirs.
      const ledger = createTargetLedger({ store: inTurn(store, turnstile, ticket), clock: fixedClock(step.at), timeZone })
      const result = await ledger.execute(step.targetId, step.command, {
        actor: step.actor,
        correlationId: step.correlationId,
        idempotencyKey: step.idempotencyKey,
        synthetic: true,
      })
      onStep?.(step, 'executed')
      return result.replayed ? 0 : result.events.length
    } catch (error) {
      failed = true
      const why = error instanceof Error ? error.message : String(error)
      throw new Error(`demo step ${step.command.type} on ${step.targetId} at ${step.at} by ${step.actor.id} failed: ${why}`, { cause: error })
    } finally {
      turnstile.pass(ticket)
    }
  }

  const previousOfTarget = new Map<string, Promise<unknown>>()
  const outcomes = await Promise.allSettled(
    missing.map((step, ticket) => {
      const done = (previousOfTarget.get(step.targetId) ?? Promise.resolve()).then(() => run(step, ticket))
      previousOfTarget.set(
        step.targetId,
        done.catch(() => undefined),
      )
      return done
    }),
  )
  const failure = outcomes.find((outcome) => outcome.status === 'rejected')
  if (failure !== undefined) throw failure.reason
  const appended = outcomes.reduce((sum, outcome) => sum + (outcome.status === 'fulfilled' ? outcome.value : 0), 0)
  return { executed: missing.length, present: steps.length - missing.length, appended, seededBefore }
}

export interface DemoDataResult extends DemoLoadResult {
  seed: number
  history: DemoHistorySummary
}

/** The report catalog's demo history for `seed` (default 2023), loaded: what `target-ledger demo` and `serve --demo-data` do. */
export const loadDemoData = async (
  store: EventStore,
  { seed = defaultDemoSeed, ...options }: DemoLoadOptions & { seed?: number } = {},
): Promise<DemoDataResult> => {
  const steps = generateDemoHistory(loadCatalog(), { seed })
  return { seed, ...(await loadDemoHistory(store, steps, options)), history: summarizeDemoHistory(steps) }
}
