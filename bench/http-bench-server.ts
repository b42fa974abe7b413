// Child process of http-bench.ts: the HTTP ceiling. POST /v1/targets/:id/reports with the real route's
// schemas (headers, params, body, response) and zod type provider, answering a canned 201: no auth, no
// rate limit, no idempotency, no ledger, no storage. With `store <file>`, the store floor: the same
// route appending the request's body as one event to the embedded event store in `file` (group commit,
// answered once durable) before answering: what durability through this store adds to the ceiling,
// with none of the ledger's work (auth, key, decide, hash chain, read models). Prints `{"port":N}`
// once listening; SIGTERM stops it.
import { randomUUID } from 'node:crypto'
import Fastify, { type RouteOptions } from 'fastify'
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { targetWriteRoutes } from '../src/http/routes/target-writes.js'
import { bodyLimit } from '../src/http/server.js'
import { writeResultBody } from '../src/http/schemas/write-result.js'
import type { Json } from '../src/store/event-store.js'
import { openSqliteEventStore } from '../src/store/sqlite-event-store.js'

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
  const [mode, file] = process.argv.slice(2)
  if (mode !== undefined && (mode !== 'store' || file === undefined)) throw new Error('usage: http-bench-server [store <ledger file>]')
  const store = file === undefined ? undefined : openSqliteEventStore({ file })
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
      let revision = 1n
      let position = 1n
      let stored = eventId
      if (store !== undefined) {
        stored = randomUUID()
        // An actor and an instant in the metadata, as the ledger's events carry, so rows are of a like size.
        const metadata = { actor: { id: 'bench', role: 'agency' }, recordedAt: new Date().toISOString(), requestId: request.id }
        const appended = await store.append(`target-${id}`, [{ id: stored, type: 'ProgressReported', data: request.body as Json, metadata }], {
          expectedRevision: 'any',
        })
        revision = appended.nextRevision
        position = appended.position
      }
      const result = writeResultBody({
        targetId: id,
        events: [{ id: stored, type: 'ProgressReported', revision, data: { reportId: stored } }],
        revision,
        position,
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
      async () => {
        await store?.close()
        process.exit(0)
      },
      () => process.exit(1),
    )
  })
}

await main()
