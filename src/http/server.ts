// Boots the service: config → store → seed → fastify → listen; SIGTERM drains, then closes the store.
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Config } from '../config.js'
import { loadCatalog } from '../../seeds/catalog-loader.js'
import { openRuntime } from '../ledger/runtime.js'
import { seedCatalog } from '../ledger/seed.js'
import { app, type AppOptions } from './app.js'

/** 64 KiB: a progress report is a few hundred bytes; anything larger is a mistake or an attack. */
export const bodyLimit = 64 * 1024

export const loggerOptions = (config: Pick<Config, 'LOG_LEVEL'>): FastifyServerOptions['logger'] => ({
  level: config.LOG_LEVEL,
  ...(process.stdout.isTTY ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard' } } } : {}),
})

export const createFastify = (logger: FastifyServerOptions['logger']): FastifyInstance =>
  Fastify({
    logger,
    bodyLimit,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    return503OnClosing: true,
  })

export const buildApp = async (options: AppOptions, logger: FastifyServerOptions['logger'] = false): Promise<FastifyInstance> => {
  const fastify = createFastify(logger)
  await fastify.register(app, options)
  await fastify.ready()
  return fastify
}

export const startServer = async (config: Config): Promise<FastifyInstance> => {
  const { location, store, ledger } = openRuntime(config)
  const fastify = createFastify(loggerOptions(config))
  // Registered before the app so it runs after the app's own onClose hooks: the store closes last.
  fastify.addHook('onClose', async () => {
    await store.close()
  })
  await fastify.register(app, { store, ledger })
  if (config.SEED) {
    const seeded = await seedCatalog(ledger, loadCatalog())
    fastify.log.info({ store: location, ...seeded }, 'catalog seeded')
  }
  const address = await fastify.listen({ host: config.HOST, port: config.PORT })
  fastify.log.info({ docs: `${address}/docs`, targets: `${address}/v1/targets` }, `target-ledger listening; API docs at ${address}/docs`)

  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    fastify.log.info({ signal }, 'draining in-flight requests, then closing the store')
    fastify.close().then(
      () => process.exit(0),
      (err: unknown) => {
        fastify.log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.once('SIGTERM', () => shutdown('SIGTERM'))
  process.once('SIGINT', () => shutdown('SIGINT'))
  return fastify
}
