// Target summary: per target its state without the reports (the head) plus one row per report, so a
// read for any day looks up the few reports that decide it instead of folding the stream.
import {
  compareInstants,
  evolve,
  initialState,
  isDefined,
  latestByAsOf,
  reportById,
  reportsUpTo,
  viewAt,
  type ClosureRecord,
  type DefinedTargetState,
  type Instant,
  type ReportRecord,
  type RevisionRecord,
  type TargetDefinition,
  type TargetEvent,
  type TargetKind,
  type TargetState,
  type TargetView,
  type Verification,
  type ViewOptions,
} from '../domain/index.js'
import type { ProjectedEvent } from './projected-event.js'
import type { Projection } from './projection.js'

/** Reports recorded so far by verification, whatever their effective date. */
export interface ReportCounts {
  total: number
  pending: number
  accepted: number
  rejected: number
}

export interface TargetHead {
  targetId: string
  /** zone, chapter and kind never change after definition; kept apart for filtering. */
  zoneId: string
  chapter: string
  kind: TargetKind
  status: 'open' | 'closed'
  original: TargetDefinition
  revisions: RevisionRecord[]
  closure: ClosureRecord | null
  reportCounts: ReportCounts
  /** The position of its TargetDefined event: lists keep definition order, as the ledger does. */
  definedAt: bigint
  /** Where the target's stream stands: its last event's revision, position and hash. */
  revision: bigint
  position: bigint
  hash: string
  /** The latest recordedAt among the stream's events: a `knownAt` at or after it knows everything. */
  lastRecordedAt: Instant
}

export interface ReportRow {
  targetId: string
  /** The position of the ProgressReported event: recording order, which a correction keeps. */
  seq: bigint
  record: ReportRecord
}

/** What one event can change: its target's head, and the report it concerns (if any). */
export interface TargetSlice {
  head: TargetHead | null
  report: ReportRow | null
}

export const reportIdOf = (event: TargetEvent): string | null => {
  switch (event.type) {
    case 'ProgressReported':
    case 'ReportCorrected':
    case 'ReportAccepted':
    case 'ReportRejected':
      return event.data.reportId
    case 'TargetDefined':
    case 'TargetRevised':
    case 'TargetClosed':
      return null
    default: {
      const _exhaustive: never = event
      void _exhaustive
      return null
    }
  }
}

const noReports: ReportCounts = Object.freeze({ total: 0, pending: 0, accepted: 0, rejected: 0 })

const recount = (counts: ReportCounts, before: Verification | undefined, after: Verification | undefined): ReportCounts => {
  if (before === after) return counts
  const next = { ...counts }
  if (before === undefined) next.total += 1
  else next[before] -= 1
  if (after !== undefined) next[after] += 1
  return next
}

/** The head and the given reports as a domain state, for the domain's own evolve and viewAt. */
export const stateOf = (head: TargetHead, reports: ReportRecord[]): DefinedTargetState => ({
  status: head.status,
  id: head.targetId,
  original: head.original,
  revisions: head.revisions,
  reports,
  closure: head.closure,
})

/** UTC instants written alike (the ledger's `toISOString()`) compare as strings, without parsing either. */
const laterInstant = (a: Instant, b: Instant): Instant => {
  if (a.length === b.length && a.endsWith('Z') && b.endsWith('Z')) return b > a ? b : a
  return compareInstants(b, a) > 0 ? b : a
}

/**
 * The domain's evolve applied to a state holding only the concerned report, so the projection can
 * never disagree with the aggregate on what a correction or a verdict does.
 */
export const evolveTargetSlice = (slice: TargetSlice, projected: ProjectedEvent): TargetSlice => {
  const { event } = projected
  const reportId = reportIdOf(event)
  const before: TargetState = slice.head === null ? initialState : stateOf(slice.head, slice.report === null ? [] : [slice.report.record])
  const after = evolve(before, event)
  if (!isDefined(after)) return slice
  const record = reportId === null ? undefined : reportById(after.reports, reportId)
  const { original } = after
  const head: TargetHead = {
    targetId: projected.targetId,
    zoneId: original.zoneId,
    chapter: original.chapter,
    kind: original.kind,
    status: after.status,
    original,
    revisions: after.revisions,
    closure: after.closure,
    reportCounts: recount(slice.head?.reportCounts ?? noReports, slice.report?.record.verification, record?.verification),
    definedAt: slice.head?.definedAt ?? projected.position,
    revision: projected.revision,
    position: projected.position,
    hash: projected.hash,
    lastRecordedAt:
      slice.head === null ? event.context.recordedAt : laterInstant(slice.head.lastRecordedAt, event.context.recordedAt),
  }
  const report: ReportRow | null =
    record === undefined ? slice.report : { targetId: projected.targetId, seq: slice.report?.seq ?? projected.position, record }
  return { head, report }
}

export const targetSummary: Projection<TargetSlice> = {
  name: 'target-summary',
  // 2: report rows keyed by the target's defined_at, without the columns' fields in `record`; stage index.
  // 3: a column per field of the report instead of the JSON `record`; definition and revisions in a
  //    table of their own, written only when they change.
  // 4: report rows keyed by seq (appended in key order), found by id through an in-memory index
  //    instead of a B-tree of random ids.
  version: 4,
  handles: ['TargetDefined', 'ProgressReported', 'ReportCorrected', 'ReportAccepted', 'ReportRejected', 'TargetRevised', 'TargetClosed'],
  evolve: evolveTargetSlice,
}

/** A target as a list shows it: the domain view on a day, without the full report list. */
export type TargetSummary = Omit<TargetView, 'reports'> & {
  /** The report the status and overdue flag read: greatest asOf on or before the day, not rejected. */
  latestReport: ReportRecord | null
  reportCounts: ReportCounts
  /** The stream's revision (decimal), as sent in the ETag and expected in If-Match. */
  revision: string
}

export const countReports = (reports: readonly ReportRecord[]): ReportCounts =>
  reports.reduce((counts, report) => recount(counts, undefined, report.verification), noReports)

export interface SummaryOptions extends ViewOptions {
  reportCounts: ReportCounts
  revision: bigint
}

/**
 * `state` may hold every report or only those that decide the day (`decidingReports`): the
 * summary is the same.
 */
export const summarize = (state: DefinedTargetState, options: SummaryOptions): TargetSummary => {
  const { reportCounts, revision, ...viewOptions } = options
  const { reports: _reports, ...view } = viewAt(state, viewOptions)
  return {
    ...view,
    latestReport: latestByAsOf(reportsUpTo(state.reports, options.asOf, 'reported')),
    reportCounts,
    revision: revision.toString(),
  }
}
