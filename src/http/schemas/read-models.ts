// Response shapes of the read API (DESIGN §5) over the read models, with the formulas of DESIGN §2
// written into their descriptions so every number can be recomputed by hand from the OpenAPI document.
import { z } from 'zod'
import { AUDIT_SCAN_WINDOW } from '../../../projections/audit-trail-sql.js'
import { targetStatuses } from '../../../domain/status.js'
import { roles } from '../../../domain/target.js'
import { bilingualSchema, instantSchema, isoDate, targetEventDataSchemas } from '../../ledger/event-schemas.js'
import { decimal, sha256Hex } from './audit.js'
import { actorRef, reportSchema, targetViewSchema } from './target-view.js'

export const completionFormula =
  'Completion c per kind: reach c = v / goal; ceiling c = 1 if v ≤ limit else 0; growth c = v / goal; ' +
  'milestone c = Σ weights of done stages / Σ stage weights (v: the value of the report with the greatest ' +
  '`asOf` on or before the day; no report counts as 0; goal 0 gives null). Expected e: linear = clamp((day − start) / ' +
  '(end − start), 0, 1) in days; monthly = completed months / 12; milestones with planned dates = share of stage ' +
  'weights planned by the day; growth e = 1. Status from gap = e − min(c, 1): achieved (c ≥ 1), on_track (gap ≤ ' +
  'ON_TRACK_GAP, default 0.10), lagging (gap ≤ LAGGING_GAP, default 0.30), behind; ceilings met/breached; closed.'

export const rollupFormula =
  'completion_g = Σ wᵢ · clamp(cᵢ, 0, 1) / Σ wᵢ over the group’s targets that are not cancelled and whose completion ' +
  'is not null (null when none is left); verifiedCompletion: the same over accepted reports only; expected = ' +
  'Σ wᵢ · eᵢ / Σ wᵢ over the same targets. Ranking: completion descending (null last), ties by onTrackShare ' +
  '(share of non-cancelled targets that are achieved, on_track, met or closed as achieved), then by id.'

const counts = z
  .object(Object.fromEntries(targetStatuses.map((status) => [status, z.number().int()])) as Record<(typeof targetStatuses)[number], z.ZodNumber>)
  .describe('Targets per status (cancelled ones not counted)')

export const groupViewSchema = z
  .object({
    groupId: z.string(),
    name: bilingualSchema.nullable().describe('Zone name or chapter title, zh and en; null for an id the catalog does not know'),
    rank: z.number().int().describe('1-based position in the ranking'),
    completion: z.number().nullable().describe('completion_g, 0..1 (reported basis)'),
    verifiedCompletion: z.number().nullable().describe('completion_g over accepted reports only'),
    expected: z.number().nullable().describe('Σ wᵢ·eᵢ / Σ wᵢ: where the group should be by the day'),
    weight: z.number().describe('Σ wᵢ of the targets in completion_g'),
    targets: z.number().int().describe('Targets not cancelled'),
    cancelled: z.number().int(),
    onTrackShare: z.number().nullable(),
    counts,
  })
  .describe(rollupFormula)
  .meta({ id: 'GroupSummary' })

const answerContext = {
  asOf: isoDate.describe('The day the answer is for'),
  knownAt: instantSchema.nullable().describe('The `knownAt` asked for; null: everything known now'),
  position: decimal.describe('The global position every projection had reached when the answer was read'),
}

const reportCounts = z.object({
  total: z.number().int(),
  pending: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
})

export const targetSummarySchema = targetViewSchema
  .omit({ reports: true })
  .extend({
    latestReport: reportSchema.nullable().describe('The report the status reads: greatest asOf on or before the day, not rejected'),
    reportCounts: reportCounts.describe('Reports recorded so far by verification, whatever their effective date'),
    revision: decimal.describe('The target stream’s revision, as in its ETag'),
  })
  .describe(completionFormula)
  .meta({ id: 'TargetSummary' })

export const targetDetailSchema = targetSummarySchema
  .extend({
    ...answerContext,
    reports: z.array(reportSchema).describe('Reports effective on or before asOf, in recording order, with corrections and verdicts'),
  })
  .meta({ id: 'TargetDetail' })

export const zoneListSchema = z.object({ ...answerContext, zones: z.array(groupViewSchema) })
export const chapterListSchema = z.object({ ...answerContext, chapters: z.array(groupViewSchema) })
export const zoneDetailSchema = z.object({ ...answerContext, zone: groupViewSchema, targets: z.array(targetSummarySchema) })
export const chapterDetailSchema = z.object({ ...answerContext, chapter: groupViewSchema, targets: z.array(targetSummarySchema) })
export const targetListSchema = z.object({ ...answerContext, count: z.number().int(), targets: z.array(targetSummarySchema) })

export const groupTimelinePointSchema = z
  .object({
    date: isoDate.describe('A month end, or asOf itself as the last point'),
    completion: z.number().nullable(),
    verifiedCompletion: z.number().nullable(),
    expected: z.number().nullable(),
    targets: z.number().int(),
    cancelled: z.number().int(),
    counts,
  })
  .describe('The zone rollup as of that day (same formula as GroupSummary), with what was known at `knownAt`')
  .meta({ id: 'GroupTimelinePoint' })

export const zoneTimelineSchema = z.object({
  ...answerContext,
  zoneId: z.string(),
  name: bilingualSchema.nullable(),
  points: z.array(groupTimelinePointSchema).describe('One point per month end of the targets’ periods up to asOf, then asOf'),
})

const pointProgress = z.object({
  value: z.number(),
  completion: z.number().nullable(),
  reportId: z.string().nullable(),
})

const revisionRecord = targetViewSchema.shape.revisions.element

export const targetTimelineSchema = z
  .object({
    ...answerContext,
    id: z.string(),
    asOf: isoDate.describe('Points run up to this day'),
    points: z.array(
      z.object({
        asOf: isoDate.describe('A report’s effective date'),
        goal: z.number().describe('goal (reach, growth), limit (ceiling) or Σ stage weights (milestone) in force that day'),
        reported: pointProgress,
        verified: pointProgress,
        expected: z.number(),
        status: z.enum(targetStatuses),
        reports: z.array(reportSchema).describe('The reports effective that day, rejected ones included, in recording order'),
      }),
    ),
    revisions: z.array(revisionRecord),
    closure: z
      .object({
        outcome: z.enum(['achieved', 'cancelled']),
        closedOn: isoDate,
        reason: z.string().nullable(),
        by: actorRef,
        at: instantSchema,
      })
      .nullable(),
  })
  .describe('One point per report effective date, each with the progress that day; corrections and verdicts are in its reports')
  .meta({ id: 'TargetTimeline' })

const eventTypes = Object.keys(targetEventDataSchemas) as [keyof typeof targetEventDataSchemas, ...(keyof typeof targetEventDataSchemas)[]]

export const auditEventSchema = z
  .object({
    position: decimal.describe('Global position, the cursor of the feed'),
    streamId: z.string(),
    targetId: z.string(),
    revision: decimal,
    type: z.enum(eventTypes),
    actor: z.object({ id: z.string(), role: z.enum(roles) }),
    recordedAt: instantSchema,
    correlationId: z.string(),
    causationId: z.string().nullable(),
    idempotencyKey: z.string().nullable(),
    schemaVersion: z.number().int(),
    synthetic: z.boolean().describe('Made-up demo data (`target-ledger demo`): `synthetic: true` in the event’s hashed metadata'),
    reason: z.string().nullable().describe('The reason the event gives (decrease, correction, rejection, revision, closure)'),
    prevHash: sha256Hex,
    hash: sha256Hex.describe('sha256(prevHash ‖ RFC 8785 JSON of {streamId, revision, type, data, metadata without hash})'),
    data: z.record(z.string(), z.unknown()).describe('The event’s data as recorded'),
  })
  .meta({ id: 'AuditEvent' })

export const auditPageSchema = z.object({
  events: z.array(auditEventSchema),
  next: decimal.nullable().describe(
    `Pass as \`after\` for the next page; null at the end. With \`knownAt\` a page looks at most ${AUDIT_SCAN_WINDOW.toLocaleString('en-US')} ` +
      'events past its cursor, so it may hold fewer events than `limit`, even none, and still have a `next`.',
  ),
})

