// Read routes of targets, served from the read models: list with filters, one target, its timeline
// and its audit trail. Every answer accepts asOf and knownAt (DESIGN §2 "two kinds of time").
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { errors } from '../../../domain/errors.js'
import { targetStatuses } from '../../../domain/status.js'
import { targetKinds } from '../../../domain/target.js'
import { slug } from '../../ledger/event-schemas.js'
import type { ReadModelQueries, ReplayOptions, TargetFilter } from '../../projector/read-model-queries.js'
import { problemResponses } from '../schemas/problem.js'
import { pageOptions, pageQuerySchema, replayOptions, replayQuery } from '../schemas/read-queries.js'
import { auditPageSchema, completionFormula, targetDetailSchema, targetListSchema, targetTimelineSchema } from '../schemas/read-models.js'

export const targetFilterQuery = {
  zone: slug.optional().describe('Zone id, e.g. `qingdao-etdz` or `district`'),
  chapter: slug.optional().describe('Report chapter id, e.g. `green-development`'),
  kind: z.enum(targetKinds).optional(),
  status: z.enum(targetStatuses).optional().describe('Status on asOf'),
}

type ListQuery = Parameters<typeof replayOptions>[0] & { [K in keyof TargetFilter]?: TargetFilter[K] | undefined }

/** The list's query string as the queries take it; the CSV export filters the same way. */
export const listOptions = ({ zone, chapter, kind, status, ...replay }: ListQuery): ReplayOptions & TargetFilter => ({
  ...replayOptions(replay),
  ...(zone === undefined ? {} : { zone }),
  ...(chapter === undefined ? {} : { chapter }),
  ...(kind === undefined ? {} : { kind }),
  ...(status === undefined ? {} : { status }),
})

const targetParams = z.object({ id: slug.describe('Target id') })

export const targetRoutes: FastifyPluginAsyncZod<{ queries: ReadModelQueries }> = async (fastify, { queries }) => {
  fastify.get(
    '/targets',
    {
      schema: {
        tags: ['targets'],
        summary: 'List targets with their progress',
        description: `Every defined target as of \`asOf\` in definition order, optionally filtered. ${completionFormula}`,
        querystring: z.object({ ...replayQuery, ...targetFilterQuery }),
        response: { 200: targetListSchema, ...problemResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const answer = await queries.listTargets(listOptions(request.query))
      return { ...answer, count: answer.targets.length }
    },
  )

  fastify.get(
    '/targets/:id',
    {
      schema: {
        tags: ['targets'],
        summary: 'One target with its progress, reports and revisions',
        description:
          'The `ETag` is the target stream’s revision (`"<revision>"`), for `If-Match` on writes. `If-None-Match` with it ' +
          'answers 304 when `asOf` is given; without `asOf` the answer is for today and changes with the day, so it is sent in full. ' +
          completionFormula,
        params: targetParams,
        querystring: z.object(replayQuery),
        response: { 200: targetDetailSchema, ...problemResponses(400, 401, 404, 429) },
      },
    },
    async (request, reply) => {
      const detail = await queries.target(request.params.id, replayOptions(request.query))
      if (detail === undefined) throw errors.targetNotFound()
      // The revision alone does not say which day an answer without asOf is for: no 304 for it.
      if (request.query.asOf === undefined) delete request.headers['if-none-match']
      reply.header('etag', `"${detail.revision}"`)
      return detail
    },
  )

  fastify.get(
    '/targets/:id/timeline',
    {
      schema: {
        tags: ['targets'],
        summary: 'A target’s progress over time: one point per report effective date',
        description:
          'Each point is the target as of a report’s effective date with everything known (or known at `knownAt`): the ' +
          'reported and verified value and completion, the goal in force that day (revisions apply from their ' +
          '`effectiveFrom`), expected progress and status, and the reports effective that day with their corrections and verdicts.',
        params: targetParams,
        querystring: z.object(replayQuery),
        response: { 200: targetTimelineSchema, ...problemResponses(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const timeline = await queries.targetTimeline(request.params.id, replayOptions(request.query))
      if (timeline === undefined) throw errors.targetNotFound()
      return timeline
    },
  )

  fastify.get(
    '/targets/:id/history',
    {
      schema: {
        tags: ['targets', 'events'],
        summary: 'A target’s audit trail: every event with actor, recorded time, reason and hashes',
        description:
          'In stream order, paged by global position (`after` = the previous page’s `next`). `knownAt` keeps only events ' +
          'recorded up to that instant; `asOf` is refused (400): a log has no effective date. Each event carries `prevHash` and `hash`: ' +
          'recompute the chain with the formula on `hash`.',
        params: targetParams,
        querystring: pageQuerySchema,
        response: { 200: auditPageSchema, ...problemResponses(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const page = await queries.targetHistory(request.params.id, pageOptions(request.query))
      if (page === undefined) throw errors.targetNotFound()
      return page
    },
  )
}
