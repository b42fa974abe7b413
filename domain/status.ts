// Status and traffic light of a target at a date; the gap thresholds live here and nowhere else.
import type { TargetKind } from './target.js'

export interface Thresholds {
  /** gap ≤ onTrackGap → on_track */
  onTrackGap: number
  /** onTrackGap < gap ≤ laggingGap → lagging; above → behind */
  laggingGap: number
}

export const defaultThresholds: Thresholds = Object.freeze({ onTrackGap: 0.1, laggingGap: 0.3 })

export const targetStatuses = ['achieved', 'on_track', 'lagging', 'behind', 'met', 'breached', 'closed'] as const
export type TargetStatus = (typeof targetStatuses)[number]

export const lights = ['green', 'yellow', 'red', 'none'] as const
export type Light = (typeof lights)[number]

export type CloseOutcome = 'achieved' | 'cancelled'

/**
 * Gaps are differences of ratios, so a gap a reader computes by hand as exactly 0.10 may come out
 * as 0.10000000000000003 in binary floating point; comparing within this tolerance keeps the
 * published boundaries (0.10 is on track, 0.30 is lagging) true in code.
 */
const TOLERANCE = 1e-9

/** gap = e − min(c, 1); null when completion is undefined (a goal of 0). */
export const gapOf = (expected: number, completion: number | null): number | null =>
  completion === null ? null : expected - Math.min(completion, 1)

export interface StatusInput {
  kind: TargetKind
  completion: number | null
  expected: number
  /** Decides the status only when completion is null (growth with a goal of 0): achieved, else behind. */
  achieved: boolean
  /** Set once the target is closed (as of the date looked at). */
  outcome: CloseOutcome | null
}

export const statusOf = (input: StatusInput, thresholds: Thresholds = defaultThresholds): TargetStatus => {
  if (input.outcome !== null) return 'closed'
  if (input.kind === 'ceiling') return input.completion === 1 ? 'met' : 'breached'
  if (input.completion === null) return input.achieved ? 'achieved' : 'behind'
  if (input.completion >= 1) return 'achieved'
  const gap = input.expected - input.completion
  if (gap <= thresholds.onTrackGap + TOLERANCE) return 'on_track'
  if (gap <= thresholds.laggingGap + TOLERANCE) return 'lagging'
  return 'behind'
}

/**
 * achieved/on_track/met → green, lagging → yellow, behind/breached → red. A closed target shows its
 * outcome: closed as achieved → green; cancelled → none (it is out of the count, not a failure).
 */
export const lightOf = (status: TargetStatus, outcome: CloseOutcome | null): Light => {
  switch (status) {
    case 'achieved':
    case 'on_track':
    case 'met':
      return 'green'
    case 'lagging':
      return 'yellow'
    case 'behind':
    case 'breached':
      return 'red'
    case 'closed':
      return outcome === 'achieved' ? 'green' : 'none'
    default: {
      const _exhaustive: never = status
      throw new Error(`unknown status ${String(_exhaustive)}`)
    }
  }
}
