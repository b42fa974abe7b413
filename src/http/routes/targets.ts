// Read-only target routes, served from the aggregates until the projections issue replaces them.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { targetStatuses } from '../../../domain/status.js'
import { targetKinds } from '../../../domain/target.js'
import type { TargetLedger } from '../../ledger/target-ledger.js'
import { isoDate, instantSchema, slug } from '../../ledger/event-schemas.js'
import { problemResponses } from '../schemas/problem.js'
import { targetViewSchema } from '../schemas/target-view.js'

const replayQuery = {
  asOf: isoDate.optional().describe('Progress as of this day (YYYY-MM-DD), with everything known now. Default: today in TIME_ZONE.'),
  knownAt: instantSchema
    .optional()
    .describe('Only events recorded up to this instant (ISO-8601 with offset): what the ledger said then.'),
}

export const targetRoutes: FastifyPluginAsyncZod<{ ledger: TargetLedger }> = async (fastify, { ledger }) => {
  fastify.get(
    '/targets',
    {
      schema: {
        tags: ['targets'],
        summary: 'List targets with their progress',
        description:
          'Every defined target as of `asOf`, optionally filtered. Completion per kind: reach c = v/goal; ' +
          'ceiling c = 1 if v ≤ limit else 0; growth c = v/goal; milestone c = Σ done stage weights / Σ weights.',
        querystring: z.object({
          ...replayQuery,
          zone: slug.optional().describe('Zone id, e.g. `qingdao-etdz` or `district`'),
          chapter: slug.optional().describe('Report chapter id, e.g. `green-development`'),
          kind: z.enum(targetKinds).optional(),
          status: z.enum(targetStatuses).optional(),
        }),
        response: { 200: z.object({ asOf: isoDate, count: z.number().int(), targets: z.array(targetViewSchema) }), ...problemResponses(400) },
      },
    },
    async (request) => {
      const { asOf, knownAt, zone, chapter, kind, status } = request.query
      const views = await ledger.viewAll({ ...(asOf ? { asOf } : {}), ...(knownAt ? { knownAt } : {}) })
      const targets = views.filter(
        (view) =>
          (zone === undefined || view.definition.zoneId === zone) &&
          (chapter === undefined || view.definition.chapter === chapter) &&
          (kind === undefined || view.definition.kind === kind) &&
          (status === undefined || view.status === status),
      )
      return { asOf: asOf ?? ledger.today(), count: targets.length, targets }
    },
  )

  fastify.get(
    '/targets/:id',
    {
      schema: {
        tags: ['targets'],
        summary: 'One target with its progress, reports and revisions',
        description: 'The `ETag` is the target stream’s revision, for `If-Match` on writes.',
        params: z.object({ id: slug }),
        querystring: z.object(replayQuery),
        response: { 200: targetViewSchema, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { asOf, knownAt } = request.query
      const { view, revision } = await ledger.view(request.params.id, {
        ...(asOf ? { asOf } : {}),
        ...(knownAt ? { knownAt } : {}),
      })
      reply.header('etag', `"${revision}"`)
      return view
    },
  )
}
