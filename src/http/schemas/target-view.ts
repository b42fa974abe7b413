// The response shape of a target (domain TargetView) for serialisation and the OpenAPI document.
import { z } from 'zod'
import { lights, targetStatuses } from '../../../domain/status.js'
import { roles } from '../../../domain/target.js'
import { evidenceSchema, isoDate, instantSchema, stageSchema, targetDefinitionSchema, targetEventDataSchemas } from '../../ledger/event-schemas.js'

export const actorRef = z.object({ id: z.string(), role: z.enum(roles) })

export const progressSchema = z.object({
  value: z.number().describe('reach/growth/ceiling: value of the latest report effective on or before asOf (0 if none); milestone: Σ weights of done stages'),
  completion: z.number().nullable().describe('Unclamped completion c (may exceed 1 or be negative); null when the goal is 0'),
  achieved: z.boolean(),
  reportId: z.string().nullable(),
  asOf: isoDate.nullable(),
  doneStages: z.array(z.string()),
})

export const reportSchema = z.object({
  reportId: z.string(),
  asOf: isoDate,
  value: z.number().nullable(),
  stage: z.string().nullable(),
  note: z.string().nullable(),
  evidence: z.array(evidenceSchema),
  reason: z.string().nullable(),
  verification: z.enum(['pending', 'accepted', 'rejected']),
  verdict: z
    .object({
      verdict: z.enum(['accepted', 'rejected']),
      by: actorRef,
      at: instantSchema,
      comment: z.string().nullable(),
      reason: z.string().nullable(),
    })
    .nullable(),
  reportedBy: actorRef,
  reportedAt: instantSchema,
  corrections: z.array(
    z.object({
      changes: z.object({ asOf: isoDate.optional(), value: z.number().optional(), stage: z.string().optional(), note: z.string().optional() }),
      reason: z.string(),
      by: actorRef,
      at: instantSchema,
    }),
  ),
})

export const targetViewSchema = z
  .object({
    id: z.string(),
    asOf: isoDate.describe('The day progress is read for'),
    definition: targetDefinitionSchema.describe('The definition in force on asOf'),
    revisions: z.array(
      targetEventDataSchemas.TargetRevised.omit({ changes: true }).extend({
        changes: targetEventDataSchemas.TargetRevised.shape.changes.extend({ stages: z.array(stageSchema).optional() }),
        by: actorRef,
        at: instantSchema,
      }),
    ),
    reported: progressSchema.describe('From every report not rejected'),
    verified: progressSchema.describe('From accepted reports only'),
    expected: z.number().describe('Expected progress e(asOf) in 0..1 (linear by day, monthly = completed months / 12, or planned stages)'),
    gap: z.number().nullable().describe('expected − min(completion, 1)'),
    status: z.enum(targetStatuses).describe('achieved (c ≥ 1) · on_track (gap ≤ 0.10) · lagging (≤ 0.30) · behind · met/breached (ceilings) · closed'),
    light: z.enum(lights),
    unreported: z.boolean().describe('No report counted yet: the value counts as 0'),
    overdue: z
      .boolean()
      .describe(
        'The latest report is older than the previous month’s end and the 5th has passed (after the period, the final report ' +
          'stays due). Never for a closed target, nor for a milestone with every stage done: it has nothing left to report.',
      ),
    closed: z.boolean(),
    outcome: z.enum(['achieved', 'cancelled']).nullable(),
    closedOn: isoDate.nullable(),
    reports: z.array(reportSchema),
  })
  .meta({ id: 'TargetView' })
