// The catalog entry schema: the event contract's TargetDefinition shape plus the catalog's own invariants
// (known zone and chapter, the report year, positive goals).
import { z } from 'zod'
import type { TargetDefinition } from '../domain/target.js'
import { targetDefinitionSchema } from '../src/ledger/event-schemas.js'
import { chapterIds } from './chapters.js'
import { reportPeriod } from './report.js'
import { zoneIds } from './zones.js'

const inReportYear = (day: string): boolean => day >= reportPeriod.start && day <= reportPeriod.end

export const catalogEntrySchema = targetDefinitionSchema.superRefine((entry, ctx) => {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message })
  if (!(zoneIds as readonly string[]).includes(entry.zoneId)) issue(['zoneId'], `must be a known zone id (${zoneIds.join(', ')})`)
  if (!(chapterIds as readonly string[]).includes(entry.chapter)) issue(['chapter'], `must be a known chapter id (${chapterIds.join(', ')})`)
  const yearMessage = `must lie within the report year ${reportPeriod.start}..${reportPeriod.end}`
  if (!inReportYear(entry.period.start)) issue(['period', 'start'], yearMessage)
  if (!inReportYear(entry.period.end)) issue(['period', 'end'], yearMessage)
  if (entry.kind === 'milestone') {
    entry.stages.forEach((stage, index) => {
      if (stage.plannedBy !== undefined && !inReportYear(stage.plannedBy)) issue(['stages', index, 'plannedBy'], yearMessage)
    })
    if (new Set(entry.stages.map((s) => s.id)).size !== entry.stages.length) issue(['stages'], 'stage ids must be unique within the target')
  } else if (entry.kind === 'ceiling') {
    if (!(entry.limit > 0)) issue(['limit'], 'must be greater than 0')
  } else if (!(entry.goal > 0)) {
    issue(['goal'], 'must be greater than 0')
  }
})

export type CatalogEntry = z.output<typeof catalogEntrySchema>

/** Fails to compile when a parsed entry stops being a domain TargetDefinition. */
export type CatalogEntryIsTargetDefinition = AssertAssignable<CatalogEntry, TargetDefinition>
type AssertAssignable<T extends U, U> = T
