// The service as a fastify plugin: server.ts listens, tests inject. Dependencies come in as options.
import swagger from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod'
import etag from '@fastify/etag'
import type { EventStore } from '../store/event-store.js'
import type { TargetLedger } from '../ledger/target-ledger.js'
import type { Projector } from '../projector/projector.js'
import type { ReadModelQueries } from '../projector/read-model-queries.js'
import type { IdempotencyStore } from '../store/sqlite-idempotency-store.js'
import { auth } from './auth.js'
import { noneMatchFails } from './conditional.js'
import { dashboard } from './dashboard/dashboard.js'
import { docsUi } from './docs-ui.js'
import { idempotency } from './idempotency.js'
import { limits, type LimitsOptions } from './limits.js'
import type { PrincipalDirectory } from './principals.js'
import { errorHandler, notFoundHandler } from './problem.js'
import { auditRoutes } from './routes/audit.js'
import { eventFeedRoutes, eventPageRoutes } from './routes/event-feed.js'
import { exportRoutes } from './routes/exports.js'
import { groupRoutes } from './routes/groups.js'
import { healthRoutes } from './routes/health.js'
import { targetRoutes } from './routes/targets.js'
import { targetWriteRoutes } from './routes/target-writes.js'

export interface AppOptions {
  store: EventStore
  ledger: TargetLedger
  /** Feeds the read models; started before the app listens. Writes wait for it to reach them. */
  projector: Pick<Projector, 'waitFor' | 'status' | 'position'>
  /** What the read routes serve, from the projector's read models. */
  queries: ReadModelQueries
  /** Open `/v1/events/stream` streams at once (EVENT_STREAMS_MAX); default 100. */
  maxEventStreams?: number
  /** How long a write waits for the read models to reach it before answering anyway (READ_YOUR_WRITES_TIMEOUT). */
  readYourWritesTimeoutMs: number
  /** Where Idempotency-Key responses are recorded. */
  idempotency: IdempotencyStore
  /** Who may call: PRINCIPALS_FILE, or the demo principals in demo mode. */
  principals: PrincipalDirectory
  /** GET and HEAD need no token (PUBLIC_READ). */
  publicRead: boolean
  /** RATE_LIMIT_MAX requests per principal (or address) per RATE_LIMIT_WINDOW. */
  rateLimit: LimitsOptions['rateLimit']
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Fields for this request's line in the access log. */
    logFields: Record<string, unknown> | undefined
  }
}

export const apiVersion = '0.1.0'

export const app = async (fastify: FastifyInstance, options: AppOptions): Promise<void> => {
  fastify.setValidatorCompiler(validatorCompiler)
  fastify.setSerializerCompiler(serializerCompiler)
  fastify.setErrorHandler(errorHandler)
  fastify.setNotFoundHandler(notFoundHandler)

  // Every response names its request so a client can quote it and an operator can find the log lines.
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
  // The access log: one line per request, with what a route added to `request.logFields` (a write's target and revision).
  fastify.decorateRequest('logFields', undefined)
  fastify.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: reply.elapsedTime, ...request.logFields },
      'request completed',
    )
  })
  // Both before any route: their hooks reach only routes registered after them.
  await fastify.register(limits, { rateLimit: options.rateLimit })
  await fastify.register(auth, { principals: options.principals, publicRead: options.publicRead })

  await fastify.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'target-ledger',
        version: apiVersion,
        description:
          'Progress of the quantified targets in the 2023 work report of Qingdao West Coast New Area ' +
          '(青岛西海岸新区政府工作报告): every update an immutable event, completion rates per zone, auditable history. ' +
          'Errors are application/problem+json (RFC 9457) with a stable `code`.',
      },
      tags: [
        { name: 'zones', description: 'Completion rates and rankings by zone and by report chapter, timelines, CSV' },
        { name: 'targets', description: 'The report’s targets and their progress, timelines, audit trails, CSV' },
        { name: 'writes', description: 'Define, report, correct, judge, revise and close targets: each POST appends events' },
        { name: 'operations', description: 'Liveness and readiness (store reachable, projection lag)' },
        { name: 'audit', description: 'Hash-chain verification and ledger digests (receipts): auditors and admins' },
        { name: 'events', description: 'The global event log' },
      ],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description:
              'A principal’s token (README "Authentication"). Without one: 401, except GET and HEAD when ' +
              'PUBLIC_READ=true, and /health, /ready, /docs. Too many requests: 429 with Retry-After.',
          },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  })
  await fastify.register(docsUi)
  await fastify.register(dashboard)

  await fastify.register(idempotency, { store: options.idempotency })

  const typed = fastify.withTypeProvider<ZodTypeProvider>()
  const { queries, projector } = options
  await typed.register(healthRoutes, { store: options.store, projector })
  await typed.register(targetWriteRoutes, {
    prefix: '/v1',
    ledger: options.ledger,
    readModelsReached: (position) => projector.waitFor(position, { timeoutMs: options.readYourWritesTimeoutMs }),
  })
  await typed.register(auditRoutes, { prefix: '/v1', store: options.store })
  await typed.register(eventFeedRoutes, {
    prefix: '/v1',
    store: options.store,
    ...(options.maxEventStreams === undefined ? {} : { maxStreams: options.maxEventStreams }),
  })
  // The read models' answers, each with an ETag (a hash of the body, or a target's revision), and a
  // 304 when If-None-Match lists it (weak comparison) or is `*` (RFC 9110 §13.1.2); the plugin's own
  // check knows neither lists nor `*`.
  await typed.register(
    async (reads) => {
      await reads.register(etag, { algorithm: 'sha1', replyWith304: false })
      reads.addHook('onSend', async (request, reply, payload) => {
        const field = request.headers['if-none-match']
        const tag = reply.getHeader('etag')
        if (reply.statusCode !== 200 || field === undefined || typeof tag !== 'string' || !noneMatchFails(field, tag)) return payload
        reply.code(304)
        return ''
      })
      await reads.register(groupRoutes, { queries })
      await reads.register(targetRoutes, { queries })
      await reads.register(eventPageRoutes, { queries })
      await reads.register(exportRoutes, { queries })
    },
    { prefix: '/v1' },
  )
}
