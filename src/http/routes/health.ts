// Liveness (the process answers) and readiness (the store answers).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { EventStore } from '../../store/event-store.js'

const readySchema = z.object({
  status: z.enum(['ready', 'unavailable']),
  store: z.object({ ok: z.boolean(), headPosition: z.string().optional(), error: z.string().optional() }),
})

/** Probes need no token, and an orchestrator polling them is never rate-limited. */
const operational = { public: true, rateLimit: false } as const

export const healthRoutes: FastifyPluginAsyncZod<{ store: EventStore }> = async (fastify, { store }) => {
  fastify.get(
    '/health',
    {
      config: operational,
      schema: {
        tags: ['operations'],
        security: [],
        summary: 'Liveness: the process is up',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  fastify.get(
    '/ready',
    {
      config: operational,
      schema: {
        tags: ['operations'],
        security: [],
        summary: 'Readiness: the event store answers',
        description: '`headPosition` is the global position of the last committed event, as a decimal string.',
        response: { 200: readySchema, 503: readySchema },
      },
    },
    async (request, reply) => {
      try {
        const head = await store.headPosition()
        return { status: 'ready' as const, store: { ok: true, headPosition: head.toString() } }
      } catch (err) {
        request.log.warn({ err }, 'store not ready')
        return reply.code(503).send({ status: 'unavailable' as const, store: { ok: false, error: 'event store unreachable' } })
      }
    },
  )
}
