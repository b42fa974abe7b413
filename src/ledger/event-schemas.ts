// zod schemas of the Target events' data (schema version 1): the contract for anything read back from
// the store, and the shapes HTTP bodies are built from.
import { z } from 'zod'
import { pacings } from '../../domain/target.js'

export const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
export const slug = z.string().max(120).regex(slugPattern, 'must be a kebab-case slug (a-z, 0-9, single hyphens)')
export const text = z.string().trim().min(1, 'must not be empty')
export const isoDate = z.iso.date()
export const instantSchema = z.iso.datetime({ offset: true })

export const bilingualSchema = z.strictObject({ zh: text, en: text })
export const periodSchema = z
  .strictObject({ start: isoDate, end: isoDate })
  .refine((p) => p.start <= p.end, { message: 'start must not be after end', path: ['end'] })

export const stageSchema = z.strictObject({
  id: slug,
  title: bilingualSchema,
  weight: z.number().positive(),
  plannedBy: isoDate.optional(),
})

const definitionCommon = {
  id: slug,
  title: bilingualSchema,
  zoneId: slug,
  chapter: slug,
  unit: text,
  period: periodSchema,
  weight: z.number().positive(),
  pacing: z.enum(pacings),
  source: z.strictObject({ document: text, quote: text }),
}

const definitionOf = <Common extends typeof definitionCommon | typeof definitionInputCommon>(common: Common) =>
  z.discriminatedUnion('kind', [
    z.strictObject({ ...common, kind: z.literal('reach'), goal: z.number() }),
    z.strictObject({ ...common, kind: z.literal('growth'), goal: z.number() }),
    z.strictObject({ ...common, kind: z.literal('ceiling'), limit: z.number() }),
    z.strictObject({ ...common, kind: z.literal('milestone'), stages: z.array(stageSchema).min(1) }),
  ])

/** The shape of a TargetDefinition; the domain checks the rules (goal > 0 where it applies, …). */
export const targetDefinitionSchema = definitionOf(definitionCommon)

const definitionInputCommon = {
  ...definitionCommon,
  weight: definitionCommon.weight.default(1).describe('Weight in the zone rollup; default 1'),
  pacing: definitionCommon.pacing.default('linear').describe('How expected progress accrues: linear by day (default) or monthly'),
}

/**
 * A definition as a client may send it: weight and pacing may be left out for DESIGN §2's defaults
 * (1, linear), which are filled in before it is recorded, so every TargetDefined names both.
 */
export const targetDefinitionInputSchema = definitionOf(definitionInputCommon)

export const evidenceSchema = z.strictObject({ title: text, url: z.url() })

export const targetEventDataSchemas = {
  TargetDefined: targetDefinitionSchema,
  ProgressReported: z.strictObject({
    reportId: z.string().min(1),
    asOf: isoDate,
    value: z.number().optional(),
    stage: z.string().optional(),
    note: z.string().optional(),
    evidence: z.array(evidenceSchema).optional(),
    reason: z.string().optional(),
  }),
  ReportCorrected: z.strictObject({
    reportId: z.string().min(1),
    asOf: isoDate.optional(),
    value: z.number().optional(),
    stage: z.string().optional(),
    note: z.string().optional(),
    reason: z.string(),
  }),
  ReportAccepted: z.strictObject({ reportId: z.string().min(1), comment: z.string().optional() }),
  ReportRejected: z.strictObject({ reportId: z.string().min(1), reason: z.string() }),
  TargetRevised: z.strictObject({
    changes: z.strictObject({
      goal: z.number().optional(),
      limit: z.number().optional(),
      stages: z.array(stageSchema).optional(),
      title: bilingualSchema.optional(),
      weight: z.number().positive().optional(),
      pacing: z.enum(pacings).optional(),
      period: periodSchema.optional(),
    }),
    effectiveFrom: isoDate,
    reason: z.string(),
    authority: z.string(),
  }),
  TargetClosed: z.strictObject({
    outcome: z.enum(['achieved', 'cancelled']),
    closedOn: isoDate,
    reason: z.string().optional(),
  }),
} as const
