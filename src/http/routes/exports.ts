// `GET /v1/exports/zones.csv` and `/targets.csv`: the zone ranking and the targets as CSV (csv-exports.ts).
import type { FastifyReply } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { ReadModelQueries } from '../../projector/read-model-queries.js'
import { targetsCsv, zonesCsv } from '../csv-exports.js'
import { problemResponses } from '../schemas/problem.js'
import { replayOptions, replayQuery } from '../schemas/read-queries.js'
import { completionFormula, rollupFormula } from '../schemas/read-models.js'
import { listOptions, targetFilterQuery } from './targets.js'

const csvResponse = {
  200: {
    description: 'text/csv; charset=utf-8, starting with a UTF-8 byte-order mark, CRLF line ends',
    content: { 'text/csv': { schema: z.string() } },
  },
  ...problemResponses(400, 401, 429),
}

/** A CSV answer as a download named after what it holds and its day. */
const sendCsv = (reply: FastifyReply, name: string, asOf: string, csv: string) =>
  reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}-${asOf}.csv"`).send(csv)

export const exportRoutes: FastifyPluginAsyncZod<{ queries: ReadModelQueries }> = async (fastify, { queries }) => {
  fastify.get(
    '/exports/zones.csv',
    {
      schema: {
        tags: ['zones'],
        summary: 'The zone ranking as CSV',
        description: `The rows of \`GET /v1/zones\`, completions as fractions (0.5 = 50%). ${rollupFormula}`,
        querystring: z.object(replayQuery),
        response: csvResponse,
      },
    },
    async (request, reply) => {
      const answer = await queries.listZones(replayOptions(request.query))
      return sendCsv(reply, 'zones', answer.asOf, zonesCsv(answer.zones))
    },
  )

  fastify.get(
    '/exports/targets.csv',
    {
      schema: {
        tags: ['targets'],
        summary: 'The targets with their progress as CSV',
        description: `The rows of \`GET /v1/targets\` with the same filters, completions as fractions. ${completionFormula}`,
        querystring: z.object({ ...replayQuery, ...targetFilterQuery }),
        response: csvResponse,
      },
    },
    async (request, reply) => {
      const answer = await queries.listTargets(listOptions(request.query))
      return sendCsv(reply, 'targets', answer.asOf, targetsCsv(answer.targets))
    },
  )
}
