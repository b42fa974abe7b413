// Weighted completion per group of targets (zones, report chapters) and the ranking of groups.
import { targetStatuses, type TargetStatus } from './status.js'
import { quotient } from './completion.js'

export interface RollupItem {
  groupId: string
  weight: number
  /** Unclamped completion; null when undefined (goal 0). */
  completion: number | null
  status: TargetStatus
  /** Closed as cancelled (as of the date rolled up): left out of every number below except `cancelled`. */
  cancelled: boolean
}

export interface GroupRollup {
  groupId: string
  /**
   * Σ wᵢ·clamp(cᵢ, 0, 1) / Σ wᵢ over the group's targets that are not cancelled and have a completion;
   * targets with a null completion are left out of both sums (they still appear in `counts`).
   * null when no target is left.
   */
  completion: number | null
  /** Σ wᵢ of the targets in the completion. */
  weight: number
  /** Targets not cancelled. */
  targets: number
  cancelled: number
  counts: Record<TargetStatus, number>
  /**
   * Share of the non-cancelled targets whose status is on_track, achieved or met, or that were closed
   * as achieved: the targets in good standing. null when there are none.
   */
  onTrackShare: number | null
  /** 1-based position in the ranking. */
  rank: number
}

const goodStanding = new Set<TargetStatus>(['on_track', 'achieved', 'met', 'closed'])

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x))

/** Completions equal to a hand-computed figure should tie, whatever the float summation order. */
const TOLERANCE = 1e-9

const emptyCounts = (): Record<TargetStatus, number> =>
  Object.fromEntries(targetStatuses.map((status) => [status, 0])) as Record<TargetStatus, number>

const rollupGroup = (groupId: string, items: readonly RollupItem[]): Omit<GroupRollup, 'rank'> => {
  const counts = emptyCounts()
  let cancelled = 0
  let targets = 0
  let good = 0
  let weighted = 0
  let weight = 0
  for (const item of items) {
    if (item.cancelled) {
      cancelled += 1
      continue
    }
    targets += 1
    counts[item.status] += 1
    // Non-cancelled items are closed only with outcome achieved.
    if (goodStanding.has(item.status)) good += 1
    if (item.completion === null) continue
    weighted += item.weight * clamp01(item.completion)
    weight += item.weight
  }
  return {
    groupId,
    completion: quotient(weighted, weight),
    weight,
    targets,
    cancelled,
    counts,
    onTrackShare: targets === 0 ? null : good / targets,
  }
}

/** Descending, nulls last, equal within tolerance. */
const compareDesc = (a: number | null, b: number | null): number => {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1
  return Math.abs(a - b) <= TOLERANCE ? 0 : b - a
}

/**
 * One rollup per group, ranked by completion (desc), then share of targets in good standing (desc),
 * then group id (asc) so the order is deterministic.
 */
export const rollup = (items: readonly RollupItem[]): GroupRollup[] => {
  const groups = new Map<string, RollupItem[]>()
  for (const item of items) {
    const group = groups.get(item.groupId)
    if (group === undefined) groups.set(item.groupId, [item])
    else group.push(item)
  }
  return [...groups]
    .map(([groupId, group]) => rollupGroup(groupId, group))
    .sort(
      (a, b) =>
        compareDesc(a.completion, b.completion) ||
        compareDesc(a.onTrackShare, b.onTrackShare) ||
        (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0),
    )
    .map((group, index) => ({ ...group, rank: index + 1 }))
}
