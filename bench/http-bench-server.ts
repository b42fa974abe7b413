// Child process of http-bench.ts: the HTTP ceiling. POST /v1/targets/:id/reports with the real route's
// schemas (headers, params, body, response) and zod type provider, answering a canned 201: no auth, no
// rate limit, no idempotency, no ledger, no storage. Prints `{"port":N}` once listening; SIGTERM stops it.
import Fastify, { type RouteOptions } from 'fastify'
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { targetWriteRoutes } from '../src/http/routes/target-writes.js'
import { bodyLimit } from '../src/http/server.js'
import { writeResultBody } from '../src/http/schemas/write-result.js'

export const reportRoute = '/v1/targets/:id/reports'

/**
 * The report route's schema, taken from the real write routes as they register (their handlers never
 * run here), so the ceiling validates and serialises exactly what the real route does.
 */
const reportRouteSchema = async (): Promise<RouteOptions['schema']> => {
  const probe = Fastify()
  probe.setValidatorCompiler(validatorCompiler)
  probe.setSerializerCompiler(serializerCompiler)
  let schema: RouteOptions['schema']
  probe.addHook('onRoute', (route) => {
    if (route.method === 'POST' && route.url === reportRoute) schema = route.schema
  })
  // No handler runs on the probe, so the routes' dependencies are never called.
  const unused = {} as Parameters<typeof targetWriteRoutes>[1]
  await probe.register(targetWriteRoutes, { ...unused, prefix: '/v1' })
  await probe.ready()
  await probe.close()
  if (schema === undefined) throw new Error(`no POST ${reportRoute} among the write routes`)
  return schema
}

const eventId = '00000000-0000-4000-8000-000000000000'

const main = async (): Promise<void> => {
  const schema = await reportRouteSchema()
  const fastify = Fastify({ logger: false, bodyLimit }).withTypeProvider<ZodTypeProvider>()
  fastify.setValidatorCompiler(validatorCompiler)
  fastify.setSerializerCompiler(serializerCompiler)
  fastify.route({
    method: 'POST',
    url: reportRoute,
    schema: schema!,
    handler: async (request, reply) => {
      const { id } = request.params as { id: string }
      const result = writeResultBody({
        targetId: id,
        events: [{ id: eventId, type: 'ProgressReported', revision: 1n, data: { reportId: eventId } }],
        revision: 1n,
        position: 1n,
        replayed: false,
      })
      return reply.code(201).header('etag', '"1"').header('location', `/v1/targets/${id}`).send(result)
    },
  })
  await fastify.listen({ host: '127.0.0.1', port: 0 })
  const address = fastify.server.address()
  if (address === null || typeof address === 'string') throw new Error('not listening on a TCP port')
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`)
  process.once('SIGTERM', () => {
    fastify.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}

await main()
