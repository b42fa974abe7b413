// The Target's state and how recorded events build it (the decider's initialState and evolve), with the
// report-list lookups both rely on: which reports count, the latest by effective date, reports by id.
import type { DefinitionRevision } from './definition.js'
import { compareDates } from './calendar.js'
import type { Evidence, RecordedTargetEvent, ReportCorrected } from './events.js'
import type { CloseOutcome } from './status.js'
import type { Instant, IsoDate, Role, TargetDefinition } from './target.js'

/** Who did something, as recorded in the event context (zones are not kept). */
export interface ActorRef {
  id: string
  role: Role
}

export type Verification = 'pending' | 'accepted' | 'rejected'

export interface CorrectionRecord {
  /** The fields the correction replaced, as recorded. */
  changes: Omit<ReportCorrected['data'], 'reportId' | 'reason'>
  reason: string
  by: ActorRef
  at: Instant
}

export interface VerdictRecord {
  verdict: 'accepted' | 'rejected'
  by: ActorRef
  at: Instant
  comment: string | null
  reason: string | null
}

/** A report as it stands after its corrections; JSON-friendly (null, never undefined). */
export interface ReportRecord {
  reportId: string
  asOf: IsoDate
  /** reach/growth/ceiling */
  value: number | null
  /** milestone */
  stage: string | null
  note: string | null
  evidence: Evidence[]
  reason: string | null
  verification: Verification
  /** The verdict behind the current verification; null while pending. */
  verdict: VerdictRecord | null
  reportedBy: ActorRef
  reportedAt: Instant
  corrections: CorrectionRecord[]
}

export interface RevisionRecord extends DefinitionRevision {
  reason: string
  authority: string
  by: ActorRef
  at: Instant
}

export interface ClosureRecord {
  outcome: CloseOutcome
  closedOn: IsoDate
  reason: string | null
  by: ActorRef
  at: Instant
}

export interface InitialTargetState {
  status: 'initial'
}

export interface DefinedTargetState {
  status: 'open' | 'closed'
  id: string
  /** The definition as first recorded; the one in force on a day is `definitionAt(original, revisions, day)`. */
  original: TargetDefinition
  /** In recording order. */
  revisions: RevisionRecord[]
  /** In recording order (a correction keeps a report's place). */
  reports: ReportRecord[]
  closure: ClosureRecord | null
}

export type TargetState = InitialTargetState | DefinedTargetState

export const initialState: TargetState = Object.freeze({ status: 'initial' })

export const isDefined = (state: TargetState): state is DefinedTargetState => state.status !== 'initial'

// Which reports count: the reported basis (not rejected) and the verified basis (accepted only).
export type Basis = 'reported' | 'verified'

export const countsFor = (report: ReportRecord, basis: Basis): boolean =>
  basis === 'reported' ? report.verification !== 'rejected' : report.verification === 'accepted'

/**
 * The report with the greatest asOf among the `reports` that `include` keeps (all by default); on
 * equal asOf the later recorded wins (`reports` is in recording order). null when none. One pass, no
 * copies: a write asks this of a target's whole history.
 */
export const latestByAsOf = (
  reports: readonly ReportRecord[],
  include: (report: ReportRecord) => boolean = () => true,
): ReportRecord | null => {
  let latest: ReportRecord | null = null
  for (const report of reports) {
    if (include(report) && (latest === null || compareDates(report.asOf, latest.asOf) >= 0)) latest = report
  }
  return latest
}

/** Lists of reports shorter than this are scanned: cheaper than keeping an index or a memo beside them. */
export const indexedFrom = 16

export const valueCountsFor = (report: ReportRecord, basis: Basis): boolean => report.value !== null && countsFor(report, basis)

interface LatestValues {
  reported: ReportRecord | null
  verified: ReportRecord | null
}

/**
 * Per long list, the latest report with a value that counts on each basis, whatever its day. A list
 * made by appending a report to one that has it gets it too (`carryLatestValues`, from evolve), so a
 * write asking about a day on or after it (a new report, in practice) needs no scan of the history.
 */
const latestValues = new WeakMap<readonly ReportRecord[], LatestValues>()

export const latestValuesOf = (reports: readonly ReportRecord[]): LatestValues => {
  let latest = latestValues.get(reports)
  if (latest === undefined) {
    latest = {
      reported: latestByAsOf(reports, (report) => valueCountsFor(report, 'reported')),
      verified: latestByAsOf(reports, (report) => valueCountsFor(report, 'verified')),
    }
    latestValues.set(reports, latest)
  }
  return latest
}

/** `after` is `before` with `added` appended: it inherits `before`'s latest values, `added` taking over where it counts (last recorded wins a tie). */
const carryLatestValues = (before: readonly ReportRecord[], after: readonly ReportRecord[], added: ReportRecord): void => {
  const latest = latestValues.get(before)
  if (latest === undefined) return
  const pick = (current: ReportRecord | null, basis: Basis) =>
    valueCountsFor(added, basis) && (current === null || compareDates(added.asOf, current.asOf) >= 0) ? added : current
  latestValues.set(after, { reported: pick(latest.reported, 'reported'), verified: pick(latest.verified, 'verified') })
}

const actorRef = (event: RecordedTargetEvent): ActorRef => ({ id: event.context.actor.id, role: event.context.actor.role })

/**
 * Where each report id sits in a `reports` list. Every event about a report, and every decision,
 * looks a report up by id: a scan would make a long-reported target's next write cost its whole
 * history. A state's list is never changed, only replaced by evolve with a list that keeps every
 * report in its place, so one index serves a whole line of states: evolve adds the new report's
 * entry and hands the index on. A state that branched off an older one may find a sibling's entry
 * at a position: the report found there is checked, and a mismatch falls back to a scan. An id with
 * no entry is in no list of the line. Lists made some other way get an index on first lookup.
 */
const reportIndexes = new WeakMap<readonly ReportRecord[], Map<string, number>>()

const indexOfReports = (reports: readonly ReportRecord[]): Map<string, number> => {
  let index = reportIndexes.get(reports)
  if (index === undefined) {
    index = new Map(reports.map((report, at) => [report.reportId, at]))
    reportIndexes.set(reports, index)
  }
  return index
}

/** The position of report `reportId` in `reports`, or -1. */
export const reportPosition = (reports: readonly ReportRecord[], reportId: string): number => {
  if (reports.length < indexedFrom) return reports.findIndex((report) => report.reportId === reportId)
  const at = indexOfReports(reports).get(reportId)
  if (at === undefined) return -1
  return reports[at]?.reportId === reportId ? at : reports.findIndex((report) => report.reportId === reportId)
}

/** The report `reportId` of `reports`, if there is one. */
export const reportById = (reports: readonly ReportRecord[], reportId: string): ReportRecord | undefined =>
  reports[reportPosition(reports, reportId)]

/** `reports` with `report` added last, sharing its index. */
const withReport = (reports: ReportRecord[], report: ReportRecord): ReportRecord[] => {
  const next = [...reports, report]
  if (next.length < indexedFrom) return next
  carryLatestValues(reports, next, report)
  const index = indexOfReports(reports)
  index.set(report.reportId, reports.length)
  reportIndexes.set(next, index)
  return next
}

const updateReport = (
  state: DefinedTargetState,
  reportId: string,
  update: (report: ReportRecord) => ReportRecord,
): DefinedTargetState => {
  const at = reportPosition(state.reports, reportId)
  if (at === -1) return state
  const reports = state.reports.slice()
  reports[at] = update(reports[at]!)
  // Every report keeps its place: the index holds for the new list too.
  const index = reportIndexes.get(state.reports)
  if (index !== undefined) reportIndexes.set(reports, index)
  return { ...state, reports }
}

/**
 * Events are facts, so evolve never throws: an event that refers to something this state has not
 * seen (possible when a replay filters by recorded time) leaves the state as it is.
 */
export const evolve = (state: TargetState, event: RecordedTargetEvent): TargetState => {
  if (event.type === 'TargetDefined') {
    return isDefined(state)
      ? state
      : { status: 'open', id: event.data.id, original: event.data, revisions: [], reports: [], closure: null }
  }
  if (!isDefined(state)) return state
  switch (event.type) {
    case 'ProgressReported': {
      const { data } = event
      if (reportPosition(state.reports, data.reportId) !== -1) return state
      const report: ReportRecord = {
        reportId: data.reportId,
        asOf: data.asOf,
        value: data.value ?? null,
        stage: data.stage ?? null,
        note: data.note ?? null,
        evidence: data.evidence ?? [],
        reason: data.reason ?? null,
        verification: 'pending',
        verdict: null,
        reportedBy: actorRef(event),
        reportedAt: event.context.recordedAt,
        corrections: [],
      }
      return { ...state, reports: withReport(state.reports, report) }
    }
    case 'ReportCorrected': {
      const { reportId, reason, ...changes } = event.data
      return updateReport(state, reportId, (report) => ({
        ...report,
        asOf: changes.asOf ?? report.asOf,
        value: changes.value ?? report.value,
        stage: changes.stage ?? report.stage,
        note: changes.note ?? report.note,
        verification: 'pending',
        verdict: null,
        corrections: [...report.corrections, { changes, reason, by: actorRef(event), at: event.context.recordedAt }],
      }))
    }
    case 'ReportAccepted':
      return updateReport(state, event.data.reportId, (report) => ({
        ...report,
        verification: 'accepted',
        verdict: {
          verdict: 'accepted',
          by: actorRef(event),
          at: event.context.recordedAt,
          comment: event.data.comment ?? null,
          reason: null,
        },
      }))
    case 'ReportRejected':
      return updateReport(state, event.data.reportId, (report) => ({
        ...report,
        verification: 'rejected',
        verdict: { verdict: 'rejected', by: actorRef(event), at: event.context.recordedAt, comment: null, reason: event.data.reason },
      }))
    case 'TargetRevised':
      return {
        ...state,
        revisions: [...state.revisions, { ...event.data, by: actorRef(event), at: event.context.recordedAt }],
      }
    case 'TargetClosed':
      return {
        ...state,
        status: 'closed',
        closure: {
          outcome: event.data.outcome,
          closedOn: event.data.closedOn,
          reason: event.data.reason ?? null,
          by: actorRef(event),
          at: event.context.recordedAt,
        },
      }
    default: {
      // Unknown event types (written by a newer version) leave the state as it is.
      const _exhaustive: never = event
      void _exhaustive
      return state
    }
  }
}
