// What the read endpoints ask of the read models: zones, chapters, targets, timelines, audit trails.
// Reads "as of a day" come from the projections' rows; `knownAt` reads fold the streams that changed
// after that instant (see `knownAt` below).
import {
  compareDates,
  compareInstants,
  definitionAt,
  isDefined,
  type Bilingual,
  type DefinedTargetState,
  type Instant,
  type IsoDate,
  type ReportRecord,
  type TargetKind,
  type TargetStatus,
  type Thresholds,
} from '../../domain/index.js'
import type { AuditEntry } from '../../projections/audit-trail.js'
import { auditTrailReader, type AuditSlice, type AuditTrailReader } from '../../projections/audit-trail-sql.js'
import { sqlProjections } from '../../projections/index.js'
import { countReports, stateOf, summarize, type TargetHead, type TargetSummary } from '../../projections/target-summary.js'
import { targetSummaryReader, type TargetSummaryReader } from '../../projections/target-summary-sql.js'
import { targetTimeline, type TargetTimeline } from '../../projections/target-timeline.js'
import { rollupGroups, type GroupBy, type GroupSummary } from '../../projections/zone-rollup.js'
import { groupTimelinePoint, timelineDates, type GroupTimelinePoint } from '../../projections/zone-timeline.js'
import { chapters as seedChapters } from '../../seeds/chapters.js'
import { zones as seedZones } from '../../seeds/zones.js'
import { defaultAsOf, targetStreamId, type TargetLedger } from '../ledger/target-ledger.js'
import type { SqliteDatabase } from '../store/sqlite-database.js'

export interface ReplayOptions {
  /** Progress as of this day, everything known counted. Default: today; with `knownAt`, its day if earlier (`defaultAsOf`). */
  asOf?: IsoDate
  /** Only events recorded at or before this instant. */
  knownAt?: Instant
}

export interface TargetFilter {
  zone?: string
  chapter?: string
  kind?: TargetKind
  status?: TargetStatus
}

/** Every list answer says which day it is for, what it knew, and how far the read models had got. */
export interface AnswerContext {
  asOf: IsoDate
  knownAt: Instant | null
  /** The position (decimal) every projection had reached when the answer was read. */
  position: string
}

export interface GroupView extends GroupSummary {
  /** From seeds/zones.ts or seeds/chapters.ts; null for a group id they do not know. */
  name: Bilingual | null
}

export interface TargetDetail extends TargetSummary {
  /** Reports effective on or before asOf, in recording order, with their corrections and verdicts. */
  reports: ReportRecord[]
}

export type AuditEvent = Omit<AuditEntry, 'position' | 'revision'> & { position: string; revision: string }

export interface AuditPage {
  events: AuditEvent[]
  /**
   * The cursor for the next page (`after`); null at the end. With knownAt a page looks at most
   * AUDIT_SCAN_WINDOW entries past its cursor, so it may hold fewer events than asked, or none, and still have one.
   */
  next: string | null
}

export interface PageOptions {
  /** Exclusive cursor. Default 0 (from the start). */
  after?: bigint
  /** Default 100. */
  limit?: number
  knownAt?: Instant
}

export interface ReadModelQueries {
  listZones(options?: ReplayOptions): Promise<AnswerContext & { zones: GroupView[] }>
  zone(zoneId: string, options?: ReplayOptions): Promise<(AnswerContext & { zone: GroupView; targets: TargetSummary[] }) | undefined>
  zoneTimeline(zoneId: string, options?: ReplayOptions): Promise<(AnswerContext & { zoneId: string; name: Bilingual | null; points: GroupTimelinePoint[] }) | undefined>
  listChapters(options?: ReplayOptions): Promise<AnswerContext & { chapters: GroupView[] }>
  chapter(chapterId: string, options?: ReplayOptions): Promise<(AnswerContext & { chapter: GroupView; targets: TargetSummary[] }) | undefined>
  listTargets(options?: ReplayOptions & TargetFilter): Promise<AnswerContext & { targets: TargetSummary[] }>
  target(targetId: string, options?: ReplayOptions): Promise<(AnswerContext & TargetDetail) | undefined>
  targetTimeline(targetId: string, options?: ReplayOptions): Promise<(AnswerContext & TargetTimeline) | undefined>
  /** The target's audit trail in stream order; undefined for a target never seen. */
  targetHistory(targetId: string, options?: PageOptions): Promise<AuditPage | undefined>
  /** The global feed of target events in position order. */
  events(options?: PageOptions): Promise<AuditPage>
}

export interface ReadModelQueriesOptions {
  /** The read-model database the projector writes. */
  db: SqliteDatabase
  /** Folds target streams for `knownAt` reads. */
  ledger: Pick<TargetLedger, 'load'>
  /** The day in the report's time zone of `at` (default now): what the default asOf is reckoned from. */
  today: (at?: Instant) => IsoDate
  thresholds?: Thresholds
  zones?: readonly { id: string; name: Bilingual }[]
  chapters?: readonly { id: string; title: Bilingual }[]
}

/** A target as a read sees it: the projection's head, or its stream folded at knownAt. */
type Source = { head: TargetHead } | { folded: DefinedTargetState; revision: bigint }

const auditEvent = ({ position, revision, ...entry }: AuditEntry): AuditEvent => ({
  ...entry,
  position: position.toString(),
  revision: revision.toString(),
})

/**
 * `knownAt`: the rows hold what is known now, so a target with an event recorded after `knownAt` is
 * read by folding its stream from the store up to that instant (`ledger.load`), which costs that
 * stream's length; a target whose last event was recorded at or before `knownAt` is read from the
 * rows as usual. Recent `knownAt` values therefore fold only the streams that changed since.
 */
export const createReadModelQueries = (options: ReadModelQueriesOptions): ReadModelQueries => {
  const { db, ledger, today, thresholds, zones = seedZones, chapters = seedChapters } = options
  const zoneNames = new Map(zones.map((zone) => [zone.id, zone.name]))
  const chapterNames = new Map(chapters.map((chapter) => [chapter.id, chapter.title]))
  const projectionNames = JSON.stringify(sqlProjections.map((projection) => projection.name))

  // Prepared on first use: the projector creates the tables, and may be created after this.
  let prepared: { summary: TargetSummaryReader; audit: AuditTrailReader; position: () => bigint } | undefined
  const sql = () => {
    if (prepared === undefined) {
      const position = db
        .prepare<[string], bigint | null>('SELECT min(position) FROM projection_checkpoints WHERE name IN (SELECT value FROM json_each(?))')
        .pluck()
        .safeIntegers(true)
      prepared = {
        summary: targetSummaryReader(db),
        audit: auditTrailReader(db),
        position: () => position.get(projectionNames) ?? 0n,
      }
    }
    return prepared
  }

  const viewOptions = (asOf: IsoDate) => (thresholds === undefined ? { asOf } : { asOf, thresholds })

  const summaryOf = (source: Source, asOf: IsoDate): TargetSummary => {
    if ('folded' in source) {
      const { folded, revision } = source
      return summarize(folded, { ...viewOptions(asOf), reportCounts: countReports(folded.reports), revision })
    }
    const { head } = source
    const reports = sql().summary.decidingReports(head, asOf)
    return summarize(stateOf(head, reports), { ...viewOptions(asOf), reportCounts: head.reportCounts, revision: head.revision })
  }

  const fullState = (source: Source): DefinedTargetState =>
    'folded' in source ? source.folded : stateOf(source.head, sql().summary.reports(source.head))

  const NOT_FOLDED = Symbol('not folded')

  /**
   * Runs `read` on the targets `select` picks, in one read transaction (one consistent snapshot of
   * the rows). With knownAt, streams with events recorded after it are folded first; if one gets a
   * new event meanwhile, the fold is done again.
   */
  const withSources = async <T>(
    knownAt: Instant | undefined,
    select: (rows: TargetSummaryReader) => TargetHead[],
    read: (sources: Source[]) => T,
  ): Promise<T> => {
    const after = (head: TargetHead) => knownAt !== undefined && compareInstants(head.lastRecordedAt, knownAt) > 0
    for (;;) {
      const folded = new Map<string, Source | null>()
      if (knownAt !== undefined) {
        const changed = select(sql().summary).filter(after)
        await Promise.all(
          changed.map(async (head) => {
            const loaded = await ledger.load(head.targetId, { knownAt })
            folded.set(head.targetId, isDefined(loaded.state) ? { folded: loaded.state, revision: loaded.revision ?? 0n } : null)
          }),
        )
      }
      const result = db.transaction(() => {
        const sources: Source[] = []
        for (const head of select(sql().summary)) {
          if (!after(head)) {
            sources.push({ head })
            continue
          }
          const source = folded.get(head.targetId)
          if (source === undefined) return NOT_FOLDED
          if (source !== null) sources.push(source)
        }
        return read(sources)
      })()
      if (result !== NOT_FOLDED) return result
    }
  }

  const all = (rows: TargetSummaryReader) => rows.heads()
  const one = (targetId: string) => (rows: TargetSummaryReader) => {
    const head = rows.head(targetId)
    return head === undefined ? [] : [head]
  }

  const context = (asOf: IsoDate, knownAt: Instant | undefined): AnswerContext => ({
    asOf,
    knownAt: knownAt ?? null,
    position: sql().position().toString(),
  })

  const groupViews = (summaries: readonly TargetSummary[], by: GroupBy): GroupView[] => {
    const names = by === 'zone' ? zoneNames : chapterNames
    return rollupGroups(summaries, by).map((group) => ({ ...group, name: names.get(group.groupId) ?? null }))
  }

  const groups = async (by: GroupBy, { knownAt, asOf = defaultAsOf(today, knownAt) }: ReplayOptions) =>
    withSources(knownAt, all, (sources) => ({
      ...context(asOf, knownAt),
      groups: groupViews(
        sources.map((source) => summaryOf(source, asOf)),
        by,
      ),
    }))

  const group = async (by: GroupBy, groupId: string, { knownAt, asOf = defaultAsOf(today, knownAt) }: ReplayOptions) =>
    withSources(knownAt, all, (sources) => {
      const summaries = sources.map((source) => summaryOf(source, asOf))
      const view = groupViews(summaries, by).find((candidate) => candidate.groupId === groupId)
      if (view === undefined) return undefined
      const targets = summaries.filter((summary) => (by === 'zone' ? summary.definition.zoneId : summary.definition.chapter) === groupId)
      return { ...context(asOf, knownAt), group: view, targets }
    })

  const page = ({ entries, next }: AuditSlice): AuditPage => ({ events: entries.map(auditEvent), next: next?.toString() ?? null })

  return {
    async listZones(options = {}) {
      const { groups: zonesAnswer, ...rest } = await groups('zone', options)
      return { ...rest, zones: zonesAnswer }
    },

    async zone(zoneId, options = {}) {
      const answer = await group('zone', zoneId, options)
      if (answer === undefined) return undefined
      const { group: zone, ...rest } = answer
      return { ...rest, zone }
    },

    async zoneTimeline(zoneId, { knownAt, asOf = defaultAsOf(today, knownAt) } = {}) {
      return withSources(
        knownAt,
        (rows) => rows.heads().filter((head) => head.zoneId === zoneId),
        (sources) => {
          if (sources.length === 0) return undefined
          const periods = sources.map((source) => {
            const state = 'head' in source ? source.head : source.folded
            return definitionAt(state.original, state.revisions, asOf).period
          })
          const points = timelineDates(periods, asOf).flatMap((date) => {
            const point = groupTimelinePoint(
              date,
              sources.map((source) => summaryOf(source, date)),
              'zone',
            )
            return point === null ? [] : [point]
          })
          return { ...context(asOf, knownAt), zoneId, name: zoneNames.get(zoneId) ?? null, points }
        },
      )
    },

    async listChapters(options = {}) {
      const { groups: chaptersAnswer, ...rest } = await groups('chapter', options)
      return { ...rest, chapters: chaptersAnswer }
    },

    async chapter(chapterId, options = {}) {
      const answer = await group('chapter', chapterId, options)
      if (answer === undefined) return undefined
      const { group: chapter, ...rest } = answer
      return { ...rest, chapter }
    },

    async listTargets({ knownAt, asOf = defaultAsOf(today, knownAt), zone, chapter, kind, status } = {}) {
      return withSources(
        knownAt,
        (rows) =>
          rows
            .heads()
            .filter(
              (head) =>
                (zone === undefined || head.zoneId === zone) &&
                (chapter === undefined || head.chapter === chapter) &&
                (kind === undefined || head.kind === kind),
            ),
        (sources) => ({
          ...context(asOf, knownAt),
          targets: sources
            .map((source) => summaryOf(source, asOf))
            .filter((summary) => status === undefined || summary.status === status),
        }),
      )
    },

    async target(targetId, { knownAt, asOf = defaultAsOf(today, knownAt) } = {}) {
      return withSources(
        knownAt,
        one(targetId),
        ([source]) => {
          if (source === undefined) return undefined
          const reports = fullState(source).reports.filter((report) => compareDates(report.asOf, asOf) <= 0)
          return { ...context(asOf, knownAt), ...summaryOf(source, asOf), reports }
        },
      )
    },

    async targetTimeline(targetId, { knownAt, asOf = defaultAsOf(today, knownAt) } = {}) {
      return withSources(
        knownAt,
        one(targetId),
        ([source]) => (source === undefined ? undefined : { ...context(asOf, knownAt), ...targetTimeline(fullState(source), viewOptions(asOf)) }),
      )
    },

    async targetHistory(targetId, { after = 0n, limit = 100, knownAt } = {}) {
      return db.transaction(() => {
        const audit = sql().audit
        const streamId = targetStreamId(targetId)
        if (!audit.hasStream(streamId)) return undefined
        return page(audit.streamEntries(streamId, { after, limit, ...(knownAt === undefined ? {} : { knownAt }) }))
      })()
    },

    async events({ after = 0n, limit = 100, knownAt } = {}) {
      return page(sql().audit.entries({ after, limit, ...(knownAt === undefined ? {} : { knownAt }) }))
    },
  }
}
