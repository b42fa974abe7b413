// Target timeline: one point per report effective date, with the progress that day (everything known
// counted, corrections included) and the reports of that day with their corrections and verdicts.
import {
  compareDates,
  definitionAt,
  viewAt,
  type ClosureRecord,
  type DefinedTargetState,
  type IsoDate,
  type ReportRecord,
  type RevisionRecord,
  type TargetDefinition,
  type TargetStatus,
  type ViewOptions,
} from '../domain/index.js'
import { decidingReportsCollector, inEffectiveOrder } from './deciding-reports.js'

export interface PointProgress {
  value: number
  completion: number | null
  reportId: string | null
}

export interface TimelinePoint {
  asOf: IsoDate
  /** What completion is measured against that day: goal (reach, growth), limit (ceiling), Σ stage weights (milestone). */
  goal: number
  reported: PointProgress
  verified: PointProgress
  expected: number
  status: TargetStatus
  /** The reports effective that day, rejected ones included, in recording order. */
  reports: ReportRecord[]
}

export interface TargetTimeline {
  id: string
  /** Points run up to this day. */
  asOf: IsoDate
  points: TimelinePoint[]
  /** Every known revision: a goal revised from `effectiveFrom` on changes the points from that day. */
  revisions: RevisionRecord[]
  /** The closure, when the target was closed on or before asOf. */
  closure: ClosureRecord | null
}

export const goalOf = (definition: TargetDefinition): number => {
  switch (definition.kind) {
    case 'reach':
    case 'growth':
      return definition.goal
    case 'ceiling':
      return definition.limit
    case 'milestone':
      return definition.stages.reduce((sum, stage) => sum + stage.weight, 0)
    default: {
      const _exhaustive: never = definition
      throw new Error(`unknown kind ${JSON.stringify(_exhaustive)}`)
    }
  }
}

const progressOf = ({ value, completion, reportId }: PointProgress): PointProgress => ({ value, completion, reportId })

/** Walks the reports once in effective order, so a point costs the reports that decide it, not the history. */
export const targetTimeline = (state: DefinedTargetState, options: ViewOptions): TargetTimeline => {
  const collector = decidingReportsCollector(state.original.kind)
  const ordered = inEffectiveOrder(state.reports).filter((item) => compareDates(item.report.asOf, options.asOf) <= 0)
  const points: TimelinePoint[] = []
  for (let at = 0; at < ordered.length; ) {
    const day = ordered[at]!.report.asOf
    const sameDay: { index: number; report: ReportRecord }[] = []
    for (; at < ordered.length && ordered[at]!.report.asOf === day; at++) {
      sameDay.push(ordered[at]!)
      collector.add(ordered[at]!)
    }
    const view = viewAt({ ...state, reports: collector.reports() }, { ...options, asOf: day })
    points.push({
      asOf: day,
      goal: goalOf(definitionAt(state.original, state.revisions, day)),
      reported: progressOf(view.reported),
      verified: progressOf(view.verified),
      expected: view.expected,
      status: view.status,
      reports: sameDay.map((item) => item.report),
    })
  }
  const closure = state.closure !== null && compareDates(state.closure.closedOn, options.asOf) <= 0 ? state.closure : null
  return { id: state.id, asOf: options.asOf, points, revisions: state.revisions, closure }
}
