// The Target decider: decide(command, state, ctx) turns a command into events or a typed DomainError.
import { compareDates, isIsoDate } from './calendar.js'
import type { CommandContext, TargetCommand } from './commands.js'
import { assertValidDefinition, definitionAt, MAX_MAGNITUDE, reviseDefinition } from './definition.js'
import { errors } from './errors.js'
import type { ProgressReported, ReportCorrected, TargetChanges, TargetEvent } from './events.js'
import { valueReportAt } from './progress.js'
import { countsFor, evolve, initialState, isDefined, reportById, reportPosition, type DefinedTargetState, type ReportRecord, type TargetState } from './state.js'
import type { Actor, IsoDate, Role, TargetDefinition } from './target.js'

type Command<T extends TargetCommand['type']> = Extract<TargetCommand, { type: T }>['data']

const isBlank = (text: string | undefined): boolean => text === undefined || text.trim() === ''

/** Drops undefined fields so events carry exactly what was said (and compare equal after a JSON round trip). */
const withoutUndefined = <T extends object>(data: T): T =>
  Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined)) as T

/** Who may issue each command; the decider refuses anyone else first (ACTOR.ROLE_NOT_ALLOWED). */
export const commandRoles: Readonly<Record<TargetCommand['type'], readonly Role[]>> = {
  DefineTarget: ['admin'],
  ReportProgress: ['agency'],
  CorrectReport: ['agency', 'auditor'],
  AcceptReport: ['auditor'],
  RejectReport: ['auditor'],
  ReviseTarget: ['admin'],
  CloseTarget: ['admin'],
}

/** Throws ACTOR.ROLE_NOT_ALLOWED unless `actor`'s role may issue `command`: for checks made before deciding, too. */
export const requireRole = (actor: Actor, command: TargetCommand['type']): void => {
  if (!commandRoles[command].includes(actor.role)) throw errors.roleNotAllowed(actor.role, command)
}

const requireDefined = (state: TargetState): DefinedTargetState => {
  if (!isDefined(state)) throw errors.targetNotFound()
  return state
}

const requireZone = (actor: Actor, state: DefinedTargetState): void => {
  if (!(actor.zones ?? []).includes(state.original.zoneId)) throw errors.zoneNotAllowed(state.original.zoneId)
}

const requireOpen = (state: DefinedTargetState): void => {
  if (state.closure !== null) throw errors.targetClosed(state.closure.closedOn)
}

const requireReport = (state: DefinedTargetState, reportId: string): ReportRecord => {
  const report = reportById(state.reports, reportId)
  if (report === undefined) throw errors.reportNotFound(reportId)
  return report
}

const requireReason = (reason: string | undefined): void => {
  if (isBlank(reason)) throw errors.reasonRequired()
}

/** Returns the definition in force on asOf, which the rest of the report is checked against. */
const requireAsOf = (state: DefinedTargetState, asOf: IsoDate, today: IsoDate): TargetDefinition => {
  if (!isIsoDate(asOf)) throw errors.invalidDate(asOf)
  if (compareDates(asOf, today) > 0) throw errors.asOfInFuture(asOf, today)
  const definition = definitionAt(state.original, state.revisions, asOf)
  const { start, end } = definition.period
  if (compareDates(asOf, start) < 0 || compareDates(asOf, end) > 0) throw errors.asOfOutsidePeriod(asOf, start, end)
  return definition
}

interface ReportContent {
  value?: number | undefined
  stage?: string | undefined
}

/** Milestones report a stage, the other kinds a number; reach and ceiling values cannot be negative. */
const requireFitsKind = (definition: TargetDefinition, { value, stage }: ReportContent): void => {
  if (definition.kind === 'milestone') {
    if (value !== undefined) throw errors.valueInvalid('a milestone report names a stage, not a value')
    if (isBlank(stage)) throw errors.valueInvalid('a milestone report needs a stage')
    return
  }
  if (stage !== undefined) throw errors.valueInvalid(`a ${definition.kind} report carries a value, not a stage`)
  if (value === undefined) throw errors.valueInvalid(`a ${definition.kind} report needs a value`)
  if (!Number.isFinite(value) || Math.abs(value) > MAX_MAGNITUDE) throw errors.valueInvalid(`value must be a finite number within ±${MAX_MAGNITUDE}`)
  if (value < 0 && definition.kind !== 'growth') throw errors.valueInvalid(`a ${definition.kind} value cannot be negative`)
}

/** The stage must belong to the definition in force and not be done by another report that is not rejected. */
const requireOpenStage = (
  state: DefinedTargetState,
  definition: TargetDefinition,
  stage: string,
  exceptReportId: string,
): void => {
  if (definition.kind !== 'milestone') return
  if (!definition.stages.some((candidate) => candidate.id === stage)) throw errors.unknownStage(stage)
  const done = state.reports.find(
    (report) => report.reportId !== exceptReportId && report.stage === stage && countsFor(report, 'reported'),
  )
  if (done !== undefined) throw errors.stageAlreadyDone(stage, done.reportId)
}

/**
 * Reach values are cumulative and growth values year-to-date, so a drop below the latest earlier
 * report (greatest asOf on or before the new one, not rejected) is suspicious and must be explained.
 * Ceilings are exempt: a lower unemployment rate is good news, not a retraction.
 */
const requireReasonForDecrease = (
  state: DefinedTargetState,
  definition: TargetDefinition,
  data: Command<'ReportProgress'>,
): void => {
  if (definition.kind !== 'reach' && definition.kind !== 'growth') return
  if (data.value === undefined || !isBlank(data.reason)) return
  const previous = valueReportAt(state.reports, data.asOf, 'reported')
  if (previous?.value != null && data.value < previous.value) {
    throw errors.decreaseNeedsReason(data.value, previous.value, previous.reportId)
  }
}

const defineTarget = (data: Command<'DefineTarget'>, state: TargetState, ctx: CommandContext): TargetEvent[] => {
  requireRole(ctx.actor, 'DefineTarget')
  if (isDefined(state)) throw errors.targetAlreadyDefined(state.id)
  assertValidDefinition(data)
  return [{ type: 'TargetDefined', data }]
}

const reportProgress = (data: Command<'ReportProgress'>, state: TargetState, ctx: CommandContext): TargetEvent[] => {
  requireRole(ctx.actor, 'ReportProgress')
  const target = requireDefined(state)
  requireZone(ctx.actor, target)
  requireOpen(target)
  if (reportPosition(target.reports, data.reportId) !== -1) throw errors.reportIdTaken(data.reportId)
  const definition = requireAsOf(target, data.asOf, ctx.today)
  requireFitsKind(definition, data)
  if (data.stage !== undefined) requireOpenStage(target, definition, data.stage, data.reportId)
  requireReasonForDecrease(target, definition, data)
  const event: ProgressReported = { type: 'ProgressReported', data: withoutUndefined({ ...data }) }
  return [event]
}

const correctReport = (data: Command<'CorrectReport'>, state: TargetState, ctx: CommandContext): TargetEvent[] => {
  requireRole(ctx.actor, 'CorrectReport')
  const target = requireDefined(state)
  if (ctx.actor.role === 'agency') requireZone(ctx.actor, target)
  requireOpen(target)
  const report = requireReport(target, data.reportId)
  requireReason(data.reason)
  // Fields given with the values the report already has change nothing either: such a correction
  // would only reset an accepted or rejected report to pending, undoing a verdict without cause.
  const changes =
    (data.asOf !== undefined && data.asOf !== report.asOf) ||
    (data.value !== undefined && data.value !== report.value) ||
    (data.stage !== undefined && data.stage !== report.stage) ||
    (data.note !== undefined && data.note !== report.note)
  if (!changes) throw errors.correctionEmpty(data.reportId)
  const asOf = data.asOf ?? report.asOf
  const definition = requireAsOf(target, asOf, ctx.today)
  const corrected: ReportContent =
    definition.kind === 'milestone'
      ? { value: data.value, stage: data.stage ?? report.stage ?? undefined }
      : { value: data.value ?? report.value ?? undefined, stage: data.stage }
  requireFitsKind(definition, corrected)
  if (corrected.stage !== undefined) requireOpenStage(target, definition, corrected.stage, report.reportId)
  const event: ReportCorrected = { type: 'ReportCorrected', data: withoutUndefined({ ...data }) }
  return [event]
}

/** Four eyes: whoever wrote the report's current content, first or by correction, may not judge it. */
const requireOtherAuthor = (actor: Actor, report: ReportRecord): void => {
  const authors = [report.reportedBy.id, ...report.corrections.map((correction) => correction.by.id)]
  if (authors.includes(actor.id)) throw errors.ownReportVerdict(report.reportId)
}

const requirePendingReport = (
  data: { reportId: string },
  state: TargetState,
  ctx: CommandContext,
  command: 'AcceptReport' | 'RejectReport',
): void => {
  requireRole(ctx.actor, command)
  const target = requireDefined(state)
  // No requireOpen: closing ends the agency's reporting, not the auditors' verification of what was
  // reported before, or a report pending at the close could never count on the verified basis.
  const report = requireReport(target, data.reportId)
  if (report.verification !== 'pending') throw errors.reportAlreadyDecided(report.reportId, report.verification)
  requireOtherAuthor(ctx.actor, report)
}

const acceptReport = (data: Command<'AcceptReport'>, state: TargetState, ctx: CommandContext): TargetEvent[] => {
  requirePendingReport(data, state, ctx, 'AcceptReport')
  return [{ type: 'ReportAccepted', data: withoutUndefined({ ...data }) }]
}

const rejectReport = (data: Command<'RejectReport'>, state: TargetState, ctx: CommandContext): TargetEvent[] => {
  requirePendingReport(data, state, ctx, 'RejectReport')
  requireReason(data.reason)
  return [{ type: 'ReportRejected', data: { reportId: data.reportId, reason: data.reason } }]
}

const reviseTarget = (data: Command<'ReviseTarget'>, state: TargetState, ctx: CommandContext): TargetEvent[] => {
  requireRole(ctx.actor, 'ReviseTarget')
  const target = requireDefined(state)
  requireOpen(target)
  requireReason(data.reason)
  if (isBlank(data.authority)) throw errors.authorityRequired()
  const effectiveFrom = data.effectiveFrom ?? ctx.today
  if (!isIsoDate(effectiveFrom)) throw errors.invalidDate(effectiveFrom)
  const changes: TargetChanges = withoutUndefined({ ...data.changes })
  reviseDefinition(definitionAt(target.original, target.revisions, effectiveFrom), changes)
  return [{ type: 'TargetRevised', data: { changes, effectiveFrom, reason: data.reason, authority: data.authority } }]
}

/** Cancelling a published target is a political decision, so it must say why; closing as achieved need not. */
const closeTarget = (data: Command<'CloseTarget'>, state: TargetState, ctx: CommandContext): TargetEvent[] => {
  requireRole(ctx.actor, 'CloseTarget')
  const target = requireDefined(state)
  requireOpen(target)
  if (data.outcome === 'cancelled') requireReason(data.reason)
  return [{ type: 'TargetClosed', data: withoutUndefined({ outcome: data.outcome, closedOn: ctx.today, reason: data.reason }) }]
}

/** Throws a DomainError when the command breaks a rule; otherwise returns the events to append. */
export const decide = (command: TargetCommand, state: TargetState, ctx: CommandContext): TargetEvent[] => {
  switch (command.type) {
    case 'DefineTarget':
      return defineTarget(command.data, state, ctx)
    case 'ReportProgress':
      return reportProgress(command.data, state, ctx)
    case 'CorrectReport':
      return correctReport(command.data, state, ctx)
    case 'AcceptReport':
      return acceptReport(command.data, state, ctx)
    case 'RejectReport':
      return rejectReport(command.data, state, ctx)
    case 'ReviseTarget':
      return reviseTarget(command.data, state, ctx)
    case 'CloseTarget':
      return closeTarget(command.data, state, ctx)
    default: {
      const _exhaustive: never = command
      throw new Error(`unknown command ${JSON.stringify(_exhaustive)}`)
    }
  }
}

export { evolve, initialState }

export const targetDecider = { decide, evolve, initialState } as const
