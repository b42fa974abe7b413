// Expected progress e(t) (序时进度): how far along a target should be on a given day.
import { compareDates, daysBetween, minDate, monthEndsBetween } from './calendar.js'
import type { IsoDate, Pacing, Period, Stage, TargetDefinition } from './target.js'

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x))

/** clamp((t − start) / (end − start), 0, 1) in days; a one-day period is due on its only day. */
export const linearExpected = (period: Period, t: IsoDate): number => {
  const length = daysBetween(period.start, period.end)
  if (length === 0) return compareDates(t, period.end) >= 0 ? 1 : 0
  return clamp01(daysBetween(period.start, t) / length)
}

/**
 * Completed calendar months / months in the period. A month counts as completed on its last day
 * (reports are "as of" the end of a day, so on 31 Dec a calendar year is 12/12 = 1, matching linear);
 * a month cut short by the period's end completes on that end day. For 2023-01-01..2023-12-31 this is
 * the 序时进度 practice: completed months / 12.
 */
export const monthlyExpected = (period: Period, t: IsoDate): number => {
  const monthEnds = monthEndsBetween(period.start, period.end).map((monthEnd) => minDate(monthEnd, period.end))
  const completed = monthEnds.filter((monthEnd) => compareDates(monthEnd, t) <= 0).length
  return completed / monthEnds.length
}

export const pacedExpected = (pacing: Pacing, period: Period, t: IsoDate): number => {
  switch (pacing) {
    case 'linear':
      return linearExpected(period, t)
    case 'monthly':
      return monthlyExpected(period, t)
    default: {
      const _exhaustive: never = pacing
      throw new Error(`unknown pacing ${String(_exhaustive)}`)
    }
  }
}

/**
 * Share of stage weights planned on or before t. A stage without `plannedBy` in a plan that has
 * other planned stages is taken as planned for the period's end.
 */
export const plannedStagesExpected = (stages: readonly Stage[], period: Period, t: IsoDate): number => {
  const total = stages.reduce((sum, stage) => sum + stage.weight, 0)
  if (total === 0) return 0
  const due = stages
    .filter((stage) => compareDates(stage.plannedBy ?? period.end, t) <= 0)
    .reduce((sum, stage) => sum + stage.weight, 0)
  return due / total
}

/**
 * e(t) for a definition: growth is not pro-rated (e = 1); a milestone with at least one planned
 * stage date follows its plan; everything else follows its pacing.
 */
export const expectedProgress = (definition: TargetDefinition, t: IsoDate): number => {
  switch (definition.kind) {
    case 'growth':
      return 1
    case 'milestone':
      return definition.stages.some((stage) => stage.plannedBy !== undefined)
        ? plannedStagesExpected(definition.stages, definition.period, t)
        : pacedExpected(definition.pacing, definition.period, t)
    case 'reach':
    case 'ceiling':
      return pacedExpected(definition.pacing, definition.period, t)
    default: {
      const _exhaustive: never = definition
      throw new Error(`unknown kind ${JSON.stringify(_exhaustive)}`)
    }
  }
}
