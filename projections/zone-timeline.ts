// Zone timeline: a monthly series of expected against actual completion, each point the zone rollup
// of its targets as of that month's end.
import { compareDates, endOfMonth, monthEndsBetween, type IsoDate, type Period, type TargetStatus } from '../domain/index.js'
import { rollupGroups, type GroupBy, type RollupSource } from './zone-rollup.js'

export interface GroupTimelinePoint {
  date: IsoDate
  /** The group's completion that day (DESIGN §2 rollup formula). */
  completion: number | null
  verifiedCompletion: number | null
  /** Σ wᵢ·eᵢ / Σ wᵢ over the same targets: where the group should have been. */
  expected: number | null
  targets: number
  cancelled: number
  counts: Record<TargetStatus, number>
}

/**
 * The month-ends of the periods up to `asOf`, then `asOf` itself when it falls inside the periods
 * and is not a month-end: the last point is "now".
 */
export const timelineDates = (periods: readonly Period[], asOf: IsoDate): IsoDate[] => {
  if (periods.length === 0) return []
  const start = periods.map((period) => period.start).reduce((a, b) => (compareDates(a, b) <= 0 ? a : b))
  const end = periods.map((period) => period.end).reduce((a, b) => (compareDates(a, b) >= 0 ? a : b))
  const dates = monthEndsBetween(start, end).filter((monthEnd) => compareDates(monthEnd, asOf) <= 0)
  const inside = compareDates(start, asOf) <= 0 && compareDates(asOf, end) <= 0
  if (inside && endOfMonth(asOf) !== asOf) dates.push(asOf)
  return dates
}

/** One point: the rollup of the group's targets as of `date` (pass the targets' views on that date). */
export const groupTimelinePoint = (date: IsoDate, targets: readonly RollupSource[], by: GroupBy): GroupTimelinePoint | null => {
  const [group] = rollupGroups(targets, by)
  if (group === undefined) return null
  const { completion, verifiedCompletion, expected, targets: count, cancelled, counts } = group
  return { date, completion, verifiedCompletion, expected, targets: count, cancelled, counts }
}
