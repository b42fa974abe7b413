// Zone and chapter rollups, computed when read from the target summaries of the day (DESIGN §2):
// completion_g = Σ wᵢ·clamp(cᵢ, 0, 1) / Σ wᵢ over the group's targets, cancelled ones excluded.
import { quotient, rollup, type GroupRollup, type RollupItem, type TargetView } from '../domain/index.js'

/** What a rollup reads of a target on a day: a TargetView or a TargetSummary. */
export type RollupSource = Pick<TargetView, 'definition' | 'reported' | 'verified' | 'expected' | 'status' | 'outcome'>

export type GroupBy = 'zone' | 'chapter'

export interface GroupSummary extends GroupRollup {
  /** The same formula over the verified completions (accepted reports only). */
  verifiedCompletion: number | null
  /**
   * Σ wᵢ·eᵢ / Σ wᵢ over the targets counted in `completion` (same weights, same exclusions): where the
   * group should be by now. null when no target is counted.
   */
  expected: number | null
}

export const groupIdOf = (target: RollupSource, by: GroupBy): string =>
  by === 'zone' ? target.definition.zoneId : target.definition.chapter

const itemOf = (target: RollupSource, by: GroupBy, completion: number | null): RollupItem => ({
  groupId: groupIdOf(target, by),
  weight: target.definition.weight,
  completion,
  status: target.status,
  cancelled: target.outcome === 'cancelled',
})

/** One summary per group that has targets, ranked as the domain ranks them (completion, then on-track share, then id). */
export const rollupGroups = (targets: readonly RollupSource[], by: GroupBy): GroupSummary[] => {
  const verified = new Map(
    rollup(targets.map((target) => itemOf(target, by, target.verified.completion))).map((group) => [group.groupId, group.completion]),
  )
  const paced = new Map<string, { weighted: number; weight: number }>()
  for (const target of targets) {
    if (target.outcome === 'cancelled' || target.reported.completion === null) continue
    const groupId = groupIdOf(target, by)
    const sums = paced.get(groupId) ?? { weighted: 0, weight: 0 }
    sums.weighted += target.definition.weight * target.expected
    sums.weight += target.definition.weight
    paced.set(groupId, sums)
  }
  return rollup(targets.map((target) => itemOf(target, by, target.reported.completion))).map((group) => {
    const sums = paced.get(group.groupId)
    return {
      ...group,
      verifiedCompletion: verified.get(group.groupId) ?? null,
      expected: sums === undefined ? null : quotient(sums.weighted, sums.weight),
    }
  })
}
