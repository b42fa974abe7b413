// The zod schema of a catalog entry: parses to exactly a domain TargetDefinition, with the catalog's invariants.
import { z } from 'zod'
import { pacings, type TargetDefinition } from '../domain/target.js'
import { chapterIds } from './chapters.js'
import { reportPeriod } from './report.js'
import { zoneIds } from './zones.js'

/** Lower-case kebab-case: `qingdao-etdz-projects-introduced`. */
export const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

const slug = z.string().regex(slugPattern, 'must be a kebab-case slug (a-z, 0-9, single hyphens)')
const text = z.string().trim().min(1, 'must not be empty')

const bilingual = z.strictObject({ zh: text, en: text })

const reportDay = z.iso
  .date()
  .refine((day) => day >= reportPeriod.start && day <= reportPeriod.end, {
    message: `must lie within the report year ${reportPeriod.start}..${reportPeriod.end}`,
  })

const period = z
  .strictObject({ start: reportDay, end: reportDay })
  .refine((p) => p.start <= p.end, { message: 'start must not be after end', path: ['end'] })

const positive = z.number().positive('must be greater than 0')

const stage = z.strictObject({
  id: slug,
  title: bilingual,
  weight: positive,
  plannedBy: reportDay.optional(),
})

const common = {
  id: slug,
  title: bilingual,
  zoneId: z.enum(zoneIds, { error: `must be a known zone id (${zoneIds.join(', ')})` }),
  chapter: z.enum(chapterIds, { error: `must be a known chapter id (${chapterIds.join(', ')})` }),
  unit: text,
  period,
  weight: positive,
  pacing: z.enum(pacings),
  source: z.strictObject({ document: text, quote: text }),
}

export const catalogEntrySchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...common, kind: z.literal('reach'), goal: positive }),
  z.strictObject({ ...common, kind: z.literal('growth'), goal: positive }),
  z.strictObject({ ...common, kind: z.literal('ceiling'), limit: positive }),
  z.strictObject({
    ...common,
    kind: z.literal('milestone'),
    stages: z
      .array(stage)
      .min(1, 'a milestone needs at least one stage')
      .refine((stages) => new Set(stages.map((s) => s.id)).size === stages.length, {
        message: 'stage ids must be unique within the target',
      }),
  }),
])

export type CatalogEntry = z.output<typeof catalogEntrySchema>

/** Fails to compile when a parsed entry stops being a domain TargetDefinition. */
export type CatalogEntryIsTargetDefinition = AssertAssignable<CatalogEntry, TargetDefinition>
type AssertAssignable<T extends U, U> = T
