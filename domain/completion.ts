// Completion c and "achieved" per target kind (DESIGN §2 table), from a reading of reported progress.
import type { Stage, TargetMeasure } from './target.js'

/**
 * What has been reported by some date. `value` is used by reach/growth/ceiling (0 when nothing is
 * reported yet); `doneStages` by milestones.
 */
export interface Reading {
  value: number
  doneStages: readonly string[]
}

const totalWeight = (stages: readonly Stage[]): number => stages.reduce((sum, stage) => sum + stage.weight, 0)

/** Σ weights of the done stages that belong to `stages`; ids not in the definition count for nothing. */
export const doneWeight = (stages: readonly Stage[], doneStages: readonly string[]): number => {
  const done = new Set(doneStages)
  return stages.reduce((sum, stage) => (done.has(stage.id) ? sum + stage.weight : sum), 0)
}

/**
 * n / d; null for d = 0, and for a quotient beyond a float. The domain bounds values, goals and weights
 * (definition.ts) so that completions (v / goal) and rollups (Σ w·c / Σ w) stay finite, but a ledger
 * written before those bounds may hold anything, and a read must not fail.
 */
export const quotient = (n: number, d: number): number | null => {
  if (d === 0) return null
  const q = n / d
  return Number.isFinite(q) ? q : null
}

/** Unclamped: reach and growth may exceed 1 (overachievement) and growth may be negative. Clamping is the rollups' job. */
export const completionOf = (measure: TargetMeasure, reading: Reading): number | null => {
  switch (measure.kind) {
    case 'reach':
    case 'growth':
      return quotient(reading.value, measure.goal)
    case 'ceiling':
      return reading.value <= measure.limit ? 1 : 0
    case 'milestone':
      return quotient(doneWeight(measure.stages, reading.doneStages), totalWeight(measure.stages))
    default: {
      const _exhaustive: never = measure
      throw new Error(`unknown kind ${JSON.stringify(_exhaustive)}`)
    }
  }
}

/**
 * Whether the reading meets the goal. Growth uses c ≥ 1 rather than v ≥ goal so that a negative goal
 * (a reduction, e.g. −3 %) is achieved by falling at least that far; for a positive goal both agree,
 * and a goal of 0 ("hold level") is achieved by v ≥ 0. Ceilings compare the value here; whether that
 * value is the one at period end is the caller's concern.
 */
export const isAchieved = (measure: TargetMeasure, reading: Reading): boolean => {
  switch (measure.kind) {
    case 'reach':
      return reading.value >= measure.goal
    case 'growth':
      return measure.goal === 0 ? reading.value >= 0 : reading.value / measure.goal >= 1
    case 'ceiling':
      return reading.value <= measure.limit
    case 'milestone':
      return measure.stages.every((stage) => reading.doneStages.includes(stage.id))
    default: {
      const _exhaustive: never = measure
      throw new Error(`unknown kind ${JSON.stringify(_exhaustive)}`)
    }
  }
}
