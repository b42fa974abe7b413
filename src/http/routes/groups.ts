// Rollups by zone and by report chapter (DESIGN §2 "Zone rollup"): rankings, one group with its
// targets, and a zone's monthly timeline. Zones and chapters share one route builder.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { slug } from '../../ledger/event-schemas.js'
import type { ReadModelQueries } from '../../projector/read-model-queries.js'
import { HttpError } from '../problem.js'
import { problemResponses } from '../schemas/problem.js'
import { replayOptions, replayQuery } from '../schemas/read-queries.js'
import {
  chapterDetailSchema,
  chapterListSchema,
  completionFormula,
  rollupFormula,
  zoneDetailSchema,
  zoneListSchema,
  zoneTimelineSchema,
} from '../schemas/read-models.js'

const replay = z.object(replayQuery)

export const groupRoutes: FastifyPluginAsyncZod<{ queries: ReadModelQueries }> = async (fastify, { queries }) => {
  fastify.get(
    '/zones',
    {
      schema: {
        tags: ['zones'],
        summary: 'Zones ranked by completion',
        description: `Every zone with targets, ranked. ${rollupFormula}`,
        querystring: replay,
        response: { 200: zoneListSchema, ...problemResponses(400, 401, 429) },
      },
    },
    async (request) => queries.listZones(replayOptions(request.query)),
  )

  fastify.get(
    '/zones/:zoneId',
    {
      schema: {
        tags: ['zones'],
        summary: 'One zone: its rollup and its targets',
        description: `${rollupFormula} ${completionFormula}`,
        params: z.object({ zoneId: slug.describe('Zone id, e.g. `qingdao-etdz`, `district`') }),
        querystring: replay,
        response: { 200: zoneDetailSchema, ...problemResponses(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const answer = await queries.zone(request.params.zoneId, replayOptions(request.query))
      if (answer === undefined) throw new HttpError('ZONE.NOT_FOUND', `No target belongs to zone "${request.params.zoneId}".`)
      return answer
    },
  )

  fastify.get(
    '/zones/:zoneId/timeline',
    {
      schema: {
        tags: ['zones'],
        summary: 'A zone’s monthly series: expected against actual completion',
        description:
          'One point per month end of its targets’ periods up to `asOf`, then `asOf` itself: the zone rollup as of that day, ' +
          `with everything known now or known at \`knownAt\`. ${rollupFormula}`,
        params: z.object({ zoneId: slug }),
        querystring: replay,
        response: { 200: zoneTimelineSchema, ...problemResponses(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const answer = await queries.zoneTimeline(request.params.zoneId, replayOptions(request.query))
      if (answer === undefined) throw new HttpError('ZONE.NOT_FOUND', `No target belongs to zone "${request.params.zoneId}".`)
      return answer
    },
  )

  fastify.get(
    '/chapters',
    {
      schema: {
        tags: ['zones'],
        summary: 'Report chapters ranked by completion',
        description: `The zone rollup, by report chapter (功能区, 绿色发展, 文化, 民生 …). ${rollupFormula}`,
        querystring: replay,
        response: { 200: chapterListSchema, ...problemResponses(400, 401, 429) },
      },
    },
    async (request) => queries.listChapters(replayOptions(request.query)),
  )

  fastify.get(
    '/chapters/:chapterId',
    {
      schema: {
        tags: ['zones'],
        summary: 'One report chapter: its rollup and its targets',
        description: `${rollupFormula} ${completionFormula}`,
        params: z.object({ chapterId: slug.describe('Chapter id, e.g. `green-development`') }),
        querystring: replay,
        response: { 200: chapterDetailSchema, ...problemResponses(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const answer = await queries.chapter(request.params.chapterId, replayOptions(request.query))
      if (answer === undefined) throw new HttpError('CHAPTER.NOT_FOUND', `No target belongs to chapter "${request.params.chapterId}".`)
      return answer
    },
  )
}
