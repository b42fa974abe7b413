// The service as a fastify plugin: server.ts listens, tests inject. Dependencies come in as options.
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod'
import type { EventStore } from '../store/event-store.js'
import type { TargetLedger } from '../ledger/target-ledger.js'
import { errorHandler, notFoundHandler } from './problem.js'
import { healthRoutes } from './routes/health.js'
import { targetRoutes } from './routes/targets.js'
import { targetWriteRoutes } from './routes/target-writes.js'

export interface AppOptions {
  store: EventStore
  ledger: TargetLedger
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
        { name: 'targets', description: 'The report’s targets and their progress' },
        { name: 'writes', description: 'Define, report, correct, judge, revise and close targets: each POST appends events' },
        { name: 'operations', description: 'Liveness and readiness' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  })
  await fastify.register(swaggerUi, { routePrefix: '/docs' })

  const typed = fastify.withTypeProvider<ZodTypeProvider>()
  await typed.register(healthRoutes, { store: options.store })
  await typed.register(targetRoutes, { prefix: '/v1', ledger: options.ledger })
  await typed.register(targetWriteRoutes, { prefix: '/v1', ledger: options.ledger })
}
