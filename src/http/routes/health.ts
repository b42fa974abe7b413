// Liveness (the process answers) and readiness (the store answers and the read models keep up).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Projector } from '../../projector/projector.js'
import type { EventStore } from '../../store/event-store.js'

const readySchema = z.object({
  status: z.enum(['ready', 'unavailable']),
  store: z.object({ ok: z.boolean(), headPosition: z.string().optional(), error: z.string().optional() }),
  projections: z.object({
    ok: z.boolean(),
    state: z.enum(['idle', 'catching-up', 'live', 'stopped', 'failed']),
    position: z.string().describe('The position every projection has reached'),
    lag: z.string().optional().describe('headPosition − position: how far the read models are behind the log (positions, not events)'),
    error: z.string().optional(),
  }),
})

/** Probes need no token, and an orchestrator polling them is never rate-limited. */
const operational = { public: true, rateLimit: false } as const

export interface HealthOptions {
  store: EventStore
  projector: Pick<Projector, 'status'>
}

export const healthRoutes: FastifyPluginAsyncZod<HealthOptions> = async (fastify, { store, projector }) => {
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
        summary: 'Readiness: the event store answers and the read models follow it',
        description:
          'Ready when the store answers and the projector is live (caught up and following the log). `headPosition` is the ' +
          'global position of the last committed event and `projections.lag` how far the read models trail it, as decimal strings. ' +
          '503 while the read models catch up after a start, or when the projector failed (its error is given).',
        response: { 200: readySchema, 503: readySchema },
      },
    },
    async (request, reply) => {
      const status = projector.status()
      const projections = {
        ok: status.state === 'live',
        state: status.state,
        position: status.position.toString(),
        ...(status.error === undefined ? {} : { error: status.error }),
      }
      let head: bigint
      try {
        head = await store.headPosition()
      } catch (err) {
        request.log.warn({ err }, 'store not ready')
        return reply.code(503).send({ status: 'unavailable' as const, store: { ok: false, error: 'event store unreachable' }, projections })
      }
      const lag = head > status.position ? head - status.position : 0n
      const body = { store: { ok: true, headPosition: head.toString() }, projections: { ...projections, lag: lag.toString() } }
      return projections.ok ? { status: 'ready' as const, ...body } : reply.code(503).send({ status: 'unavailable' as const, ...body })
    },
  )
}
