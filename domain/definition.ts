// What makes a target definition valid, how a revision changes it, and which version is in force on a day.
import { compareDates, isIsoDate } from './calendar.js'
import { errors } from './errors.js'
import type { TargetChanges } from './events.js'
import { pacings, type IsoDate, type TargetDefinition } from './target.js'

const isBlank = (text: string | undefined | null): boolean => text === undefined || text === null || text.trim() === ''

/**
 * Magnitudes a target may have, so that every completion (v / goal) and rollup (Σ w·c / Σ w) stays a
 * finite number: reported values and goals within ±1e15 (a whole economy counted in yuan fits),
 * goals not smaller in size than 1e-6, weights up to 1e6.
 */
export const MAX_MAGNITUDE = 1e15
export const MIN_GOAL = 1e-6
export const MAX_WEIGHT = 1e6

const isPositive = (x: number): boolean => Number.isFinite(x) && x > 0
const isGoal = (x: number): boolean => isPositive(x) && x >= MIN_GOAL && x <= MAX_MAGNITUDE
const isWeight = (x: number): boolean => isPositive(x) && x <= MAX_WEIGHT

/** Throws TARGET.INVALID_DEFINITION naming the first problem found. */
export const assertValidDefinition = (definition: TargetDefinition): void => {
  const problem = definitionProblem(definition)
  if (problem !== null) throw errors.invalidDefinition(problem)
}

const definitionProblem = (definition: TargetDefinition): string | null => {
  if (isBlank(definition.id)) return 'id is blank'
  if (isBlank(definition.zoneId)) return 'zoneId is blank'
  if (isBlank(definition.source.quote)) return 'source quote is blank'
  if (!isIsoDate(definition.period.start) || !isIsoDate(definition.period.end)) return 'period dates are not YYYY-MM-DD'
  if (compareDates(definition.period.start, definition.period.end) > 0) return 'period starts after it ends'
  if (!isWeight(definition.weight)) return `weight must be > 0 and at most ${MAX_WEIGHT}`
  if (!pacings.includes(definition.pacing)) return `unknown pacing ${String(definition.pacing)}`
  switch (definition.kind) {
    case 'reach':
      return isGoal(definition.goal) ? null : `goal must be > 0, between ${MIN_GOAL} and ${MAX_MAGNITUDE}`
    case 'ceiling':
      return isGoal(definition.limit) ? null : `limit must be > 0, between ${MIN_GOAL} and ${MAX_MAGNITUDE}`
    case 'growth':
      return definition.goal === 0 || isGoal(Math.abs(definition.goal))
        ? null
        : `goal must be 0 ("hold level") or between ${MIN_GOAL} and ${MAX_MAGNITUDE} in size`
    case 'milestone': {
      if (definition.stages.length === 0) return 'a milestone needs at least one stage'
      const ids = new Set<string>()
      for (const stage of definition.stages) {
        if (isBlank(stage.id)) return 'stage id is blank'
        if (ids.has(stage.id)) return `stage id ${stage.id} is not unique`
        ids.add(stage.id)
        if (!isWeight(stage.weight)) return `stage ${stage.id} weight must be > 0 and at most ${MAX_WEIGHT}`
        if (stage.plannedBy !== undefined && !isIsoDate(stage.plannedBy)) return `stage ${stage.id} plannedBy is not YYYY-MM-DD`
      }
      return null
    }
    default: {
      const _exhaustive: never = definition
      return `unknown kind ${JSON.stringify(_exhaustive)}`
    }
  }
}

/** The measure field each kind owns; a revision may only touch its own kind's. */
const measureFieldProblem = (kind: TargetDefinition['kind'], changes: TargetChanges): string | null => {
  const allowed = { reach: 'goal', growth: 'goal', ceiling: 'limit', milestone: 'stages' }[kind]
  for (const field of ['goal', 'limit', 'stages'] as const) {
    if (changes[field] !== undefined && field !== allowed) return `${field} does not apply to a ${kind} target`
  }
  return null
}

const changedFields = (changes: TargetChanges): string[] =>
  Object.entries(changes)
    .filter(([, value]) => value !== undefined)
    .map(([field]) => field)

/** The definition with the changes applied. Throws REVISION.INVALID or TARGET.INVALID_DEFINITION. */
export const reviseDefinition = (definition: TargetDefinition, changes: TargetChanges): TargetDefinition => {
  if (changedFields(changes).length === 0) throw errors.revisionInvalid('no changes')
  const problem = measureFieldProblem(definition.kind, changes)
  if (problem !== null) throw errors.revisionInvalid(problem)
  const revised = applyChanges(definition, changes)
  assertValidDefinition(revised)
  return revised
}

/** Applies the fields that fit the kind; used both to decide and to replay history. */
export const applyChanges = (definition: TargetDefinition, changes: TargetChanges): TargetDefinition => {
  const common = {
    ...definition,
    ...(changes.title !== undefined && { title: changes.title }),
    ...(changes.weight !== undefined && { weight: changes.weight }),
    ...(changes.pacing !== undefined && { pacing: changes.pacing }),
    ...(changes.period !== undefined && { period: changes.period }),
  }
  switch (common.kind) {
    case 'reach':
    case 'growth':
      return changes.goal === undefined ? common : { ...common, goal: changes.goal }
    case 'ceiling':
      return changes.limit === undefined ? common : { ...common, limit: changes.limit }
    case 'milestone':
      return changes.stages === undefined ? common : { ...common, stages: changes.stages }
    default: {
      const _exhaustive: never = common
      throw new Error(`unknown kind ${JSON.stringify(_exhaustive)}`)
    }
  }
}

export interface DefinitionRevision {
  changes: TargetChanges
  effectiveFrom: IsoDate
}

/**
 * The definition in force on `date`: the original with the changes of every revision effective on or
 * before that day applied in the order they were recorded. Dates before every revision keep the
 * original, which is how history keeps the old goal.
 */
export const definitionAt = (
  original: TargetDefinition,
  revisions: readonly DefinitionRevision[],
  date: IsoDate,
): TargetDefinition =>
  revisions
    .filter((revision) => compareDates(revision.effectiveFrom, date) <= 0)
    .reduce((definition, revision) => applyChanges(definition, revision.changes), original)
