// Replay in two kinds of time: fold the events known at `knownAt`, then read progress as of `asOf`.
import { compareDates, compareInstants } from './calendar.js'
import { completionOf, doneWeight, isAchieved, type Reading } from './completion.js'
import { definitionAt } from './definition.js'
import type { RecordedTargetEvent } from './events.js'
import { isOverdue } from './overdue.js'
import { expectedProgress } from './pacing.js'
import { doneStagesAt, reportsUpTo, valueReportAt } from './progress.js'
import { evolve, initialState, latestByAsOf, type Basis, type DefinedTargetState, type ReportRecord, type RevisionRecord, type TargetState } from './state.js'
import { defaultThresholds, gapOf, lightOf, statusOf, type CloseOutcome, type Light, type TargetStatus, type Thresholds } from './status.js'
import type { Instant, IsoDate, TargetDefinition } from './target.js'

export interface FoldOptions {
  /** Only events recorded at or before this instant count ("what did we know then"); default: all. */
  knownAt?: Instant
}

export const foldTarget = (events: readonly RecordedTargetEvent[], options: FoldOptions = {}): TargetState => {
  const { knownAt } = options
  const known =
    knownAt === undefined ? events : events.filter((event) => compareInstants(event.context.recordedAt, knownAt) <= 0)
  return known.reduce(evolve, initialState)
}

/** Progress on one basis (reported: reports not rejected; verified: accepted reports only). */
export interface ProgressView {
  /**
   * reach/growth/ceiling: the value of the report with the greatest asOf on or before the day (0 when
   * none); milestone: Σ weights of the done stages.
   */
  value: number
  /** Unclamped; null when the goal is 0. */
  completion: number | null
  achieved: boolean
  /** The report the value comes from (milestone: the latest stage report counted); null when none. */
  reportId: string | null
  asOf: IsoDate | null
  /** milestone: ids of the done stages; empty for other kinds. */
  doneStages: string[]
}

export interface TargetView {
  id: string
  /** The day progress is read for. */
  asOf: IsoDate
  /** The definition in force on asOf. */
  definition: TargetDefinition
  /** Every known revision, effective or not yet, in recording order. */
  revisions: RevisionRecord[]
  reported: ProgressView
  verified: ProgressView
  /** e(asOf), 0..1. */
  expected: number
  /** expected − min(reported completion, 1); null when completion is null. */
  gap: number | null
  /** From the reported basis. */
  status: TargetStatus
  light: Light
  /** No report (not rejected) effective on or before asOf: the value counts as 0. */
  unreported: boolean
  /** Monthly cadence evaluated on asOf (pass today's date as asOf for "now"). */
  overdue: boolean
  /** Closed on or before asOf. */
  closed: boolean
  outcome: CloseOutcome | null
  closedOn: IsoDate | null
  /** Reports effective on or before asOf, in recording order, with their verification. */
  reports: ReportRecord[]
}

export interface ViewOptions {
  asOf: IsoDate
  thresholds?: Thresholds
}

const progressOn = (
  state: DefinedTargetState,
  definition: TargetDefinition,
  asOf: IsoDate,
  basis: Basis,
): { progress: ProgressView; reading: Reading } => {
  if (definition.kind === 'milestone') {
    const doneStages = doneStagesAt(state.reports, asOf, basis)
    const latest = latestByAsOf(reportsUpTo(state.reports, asOf, basis).filter((report) => report.stage !== null))
    const reading = { value: 0, doneStages }
    return {
      reading,
      progress: {
        value: doneWeight(definition.stages, doneStages),
        completion: completionOf(definition, reading),
        achieved: latest !== null && isAchieved(definition, reading),
        reportId: latest?.reportId ?? null,
        asOf: latest?.asOf ?? null,
        doneStages,
      },
    }
  }
  const report = valueReportAt(state.reports, asOf, basis)
  const reading = { value: report?.value ?? 0, doneStages: [] }
  // A ceiling is achieved only by the value standing at the period's end.
  const atPeriodEnd = definition.kind !== 'ceiling' || compareDates(asOf, definition.period.end) >= 0
  return {
    reading,
    progress: {
      value: reading.value,
      completion: completionOf(definition, reading),
      achieved: report !== null && atPeriodEnd && isAchieved(definition, reading),
      reportId: report?.reportId ?? null,
      asOf: report?.asOf ?? null,
      doneStages: [],
    },
  }
}

export const viewAt = (state: DefinedTargetState, options: ViewOptions): TargetView => {
  const { asOf, thresholds = defaultThresholds } = options
  const definition = definitionAt(state.original, state.revisions, asOf)
  const reported = progressOn(state, definition, asOf, 'reported')
  const verified = progressOn(state, definition, asOf, 'verified')
  const closure = state.closure !== null && compareDates(state.closure.closedOn, asOf) <= 0 ? state.closure : null
  const outcome = closure?.outcome ?? null
  const expected = expectedProgress(definition, asOf)
  const counted = reportsUpTo(state.reports, asOf, 'reported')
  const status = statusOf(
    {
      kind: definition.kind,
      completion: reported.progress.completion,
      expected,
      achieved: counted.length > 0 && isAchieved(definition, reported.reading),
      outcome,
    },
    thresholds,
  )
  return {
    id: state.id,
    asOf,
    definition,
    revisions: state.revisions,
    reported: reported.progress,
    verified: verified.progress,
    expected,
    gap: gapOf(expected, reported.progress.completion),
    status,
    light: lightOf(status, outcome),
    unreported: counted.length === 0,
    overdue: isOverdue({
      latestAsOf: latestByAsOf(counted)?.asOf ?? null,
      today: asOf,
      period: definition.period,
      closed: closure !== null,
      // A milestone is achieved once every stage is done: nothing is left to report.
      finished: definition.kind === 'milestone' && reported.progress.achieved,
    }),
    closed: closure !== null,
    outcome,
    closedOn: closure?.closedOn ?? null,
    reports: state.reports.filter((report) => compareDates(report.asOf, asOf) <= 0),
  }
}
