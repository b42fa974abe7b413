// Boots the service: config → store → seed → read models caught up → listen; SIGTERM drains, then stops the
// projector and closes the store.
import { randomUUID } from 'node:crypto'
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Config } from '../config.js'
import { loadCatalog } from '../../seeds/catalog-loader.js'
import { openRuntime } from '../ledger/runtime.js'
import { seedCatalog } from '../ledger/seed.js'
import { app, type AppOptions } from './app.js'
import { clientErrorHandler, problem, sendProblem, toProblem } from './problem.js'
import { openPrincipalDirectory, readDemoPrincipals } from './principals.js'

/** 64 KiB: a progress report is a few hundred bytes; anything larger is a mistake or an attack. */
export const bodyLimit = 64 * 1024

export const loggerOptions = (config: Pick<Config, 'LOG_LEVEL'>): FastifyServerOptions['logger'] => ({
  level: config.LOG_LEVEL,
  ...(process.stdout.isTTY ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard' } } } : {}),
})

/** What a caller's X-Request-Id may be: up to 128 of A–Z, a–z, 0–9 and `.`, `_`, `:`, `-`. */
export const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/

/** TRUST_PROXY as fastify takes it: a hop count trusts that many proxies nearest the server. */
const trustProxyOption = (trust: Config['TRUST_PROXY']): FastifyServerOptions['trustProxy'] =>
  typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : trust

export const createFastify = (logger: FastifyServerOptions['logger'], trustProxy: Config['TRUST_PROXY'] = false): FastifyInstance =>
  Fastify({
    logger,
    // Behind a proxy, request.ip (the rate limit's key for callers without a token) is the client's, not the proxy's.
    trustProxy: trustProxyOption(trustProxy),
    bodyLimit,
    // A caller's X-Request-Id is kept for tracing when it looks like an id; it becomes the events'
    // correlationId, hashed into the audit trail for good, so anything else gets a fresh UUID.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id']
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID()
    },
    return503OnClosing: true,
    // One line per request, when it completes (app.ts), rather than fastify's two plus one per write:
    // each line costs the write path ~15 µs.
    logController: new LogController({ disableRequestLogging: true }),
    // Errors the router meets before any route runs (bad URL encoding, over-long ids) answer as problem+json too.
    frameworkErrors: (error, _request, reply) =>
      sendProblem(reply, toProblem(error) ?? problem(400, 'REQUEST.INVALID', 'Bad Request', 'The request URL cannot be routed.')),
    // And those Node's parser refuses before any of it (431 for oversized headers).
    clientErrorHandler,
  })

export const buildApp = async (options: AppOptions, logger: FastifyServerOptions['logger'] = false): Promise<FastifyInstance> => {
  const fastify = createFastify(logger)
  await fastify.register(app, options)
  await fastify.ready()
  return fastify
}

export const startServer = async (config: Config): Promise<FastifyInstance> => {
  // Principals first: a bad PRINCIPALS_FILE stops the boot before the store is opened.
  const principals = openPrincipalDirectory(config)
  const fastify = createFastify(loggerOptions(config), config.TRUST_PROXY)
  const runtime = openRuntime(config, { log: fastify.log.child({ component: 'projector' }) })
  const { location, store, ledger, idempotency, projector, queries } = runtime
  if (principals.source.kind === 'demo') {
    const tokens = Object.fromEntries(readDemoPrincipals().map((demo) => [demo.id, demo.token]))
    fastify.log.warn(
      { principals: principals.source.file, publicRead: config.PUBLIC_READ, tokens },
      'demo mode: the demo principals are loaded and their tokens are public (README "Authentication"); set PRINCIPALS_FILE for real use',
    )
  } else {
    fastify.log.info({ principals: principals.source.file, count: principals.directory.principals.length, publicRead: config.PUBLIC_READ }, 'principals loaded')
  }
  // Registered before the app so it runs after the app's own onClose hooks: the store closes last.
  fastify.addHook('onClose', async () => {
    await runtime.close()
  })
  await fastify.register(app, {
    store,
    ledger,
    projector,
    queries,
    readYourWritesTimeoutMs: config.READ_YOUR_WRITES_TIMEOUT_MS,
    maxEventStreams: config.EVENT_STREAMS_MAX,
    idempotency,
    principals: principals.directory,
    publicRead: config.PUBLIC_READ,
    rateLimit: { max: config.RATE_LIMIT_MAX, timeWindowMs: config.RATE_LIMIT_WINDOW },
  })
  if (config.DEMO_DATA) {
    // Before seeding: the demo defines the targets itself, dated January 2023, so replays of 2023 find them.
    const { loadDemoData } = await import('../ledger/demo-loader.js')
    const { history, ...demo } = await loadDemoData(store, { timeZone: config.TIME_ZONE })
    fastify.log.info({ store: location, ...demo, from: history.from, to: history.to }, 'demo history loaded (synthetic events)')
  }
  if (config.SEED) {
    const seeded = await seedCatalog(ledger, loadCatalog())
    fastify.log.info({ store: location, ...seeded }, 'catalog seeded')
  }
  // The read models catch up with the log before the first request, then follow it live.
  await projector.start()
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
