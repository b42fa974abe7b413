// Query strings shared by the read routes: the two kinds of time (DESIGN §2) and feed pages.
import { z } from 'zod'
import { instantSchema, isoDate } from '../../ledger/event-schemas.js'
import type { PageOptions, ReplayOptions } from '../../projector/read-model-queries.js'

export const replayQuery = {
  asOf: isoDate.optional().describe('Progress as of this day (YYYY-MM-DD), with everything known now. Default: today in TIME_ZONE; with knownAt, the day of knownAt in TIME_ZONE when that is earlier (what the dashboard showed then).'),
  knownAt: instantSchema
    .optional()
    .describe('Only events recorded up to this instant (ISO-8601 with offset): what the ledger said then. With asOf: "on knownAt, what did we believe progress was on asOf".'),
}

const maxPosition = 2n ** 63n - 1n

export const pageQuery = {
  after: z
    .string()
    .regex(/^\d{1,19}$/)
    .refine((value) => !/^\d+$/.test(value) || BigInt(value) <= maxPosition, 'beyond the largest position')
    .optional()
    .describe('Exclusive cursor: a global position (the previous page’s `next`). Default: from the start.'),
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('Events per page, 1..1000'),
  knownAt: replayQuery.knownAt,
}

/**
 * The query of an event-log page. `asOf` (an effective date) means nothing for a log, and dropping it
 * silently would let a caller believe the page was read as of that day: it is refused (400).
 */
export const pageQuerySchema = z
  .looseObject(pageQuery)
  .refine((query) => query['asOf'] === undefined, { message: 'an event log has no effective date: asOf does not apply (knownAt does)', path: ['asOf'] })

/** Drops absent keys: the queries take optional properties, not properties set to undefined. */
export const replayOptions = ({ asOf, knownAt }: { asOf?: string | undefined; knownAt?: string | undefined }): ReplayOptions => ({
  ...(asOf === undefined ? {} : { asOf }),
  ...(knownAt === undefined ? {} : { knownAt }),
})

export const pageOptions = ({ after, limit, knownAt }: { after?: string | undefined; limit: number; knownAt?: string | undefined }): PageOptions => ({
  ...(after === undefined ? {} : { after: BigInt(after) }),
  limit,
  ...(knownAt === undefined ? {} : { knownAt }),
})
