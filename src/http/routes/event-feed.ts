// The global log for auditors: `GET /v1/events/stream` as Server-Sent Events, live, resumable by position;
// `GET /v1/events` as cursor-paged JSON from the audit-trail projection.
import type { ServerResponse } from 'node:http'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { ReadModelQueries } from '../../projector/read-model-queries.js'
import type { EventStore, StoredEvent } from '../../store/event-store.js'
import { auditErrors } from '../../ledger/ledger-digest.js'
import { HttpError } from '../problem.js'
import { problemResponses } from '../schemas/problem.js'
import { pageOptions, pageQuerySchema } from '../schemas/read-queries.js'
import { auditPageSchema } from '../schemas/read-models.js'

export interface EventFeedOptions {
  store: EventStore
  /** A comment line this often keeps proxies and load balancers from closing an idle stream. Default 15 s. */
  heartbeatMs?: number
  /** Open streams at once on this node (EVENT_STREAMS_MAX); one more is a 503 with Retry-After. Default 100. */
  maxStreams?: number
}

const decimal = z.string().regex(/^\d+$/)

/** One SSE frame. JSON has no raw line breaks; the type is stripped of them so a frame can never be split. */
export const sseFrame = (event: StoredEvent): string => {
  const data = JSON.stringify({
    id: event.id,
    position: event.position.toString(),
    streamId: event.streamId,
    revision: event.revision.toString(),
    type: event.type,
    data: event.data,
    metadata: event.metadata,
  })
  return `id: ${event.position}\nevent: ${event.type.replace(/[\r\n]/g, ' ')}\ndata: ${data}\n\n`
}

/** Resolves once the socket can take more, or the stream was ended (`stopped`). */
const drained = (raw: ServerResponse, stopped: Promise<void>): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      raw.off('drain', done)
      resolve()
    }
    raw.on('drain', done)
    void stopped.then(done)
  })

export const eventFeedRoutes: FastifyPluginAsyncZod<EventFeedOptions> = async (fastify, { store, heartbeatMs = 15_000, maxStreams = 100 }) => {
  // Open streams never end on their own: close them before the server waits for its connections.
  const open = new Set<() => void>()
  fastify.addHook('preClose', async () => {
    for (const end of open) end()
  })

  fastify.get(
    '/events/stream',
    {
      // A HEAD would open a subscription whose body is never sent.
      exposeHeadRoute: false,
      schema: {
        tags: ['events'],
        summary: 'Live feed of new events (Server-Sent Events)',
        description:
          'A `text/event-stream` of every event appended to the log, in global position order. Each message has ' +
          '`id:` = the event’s global position, `event:` = its type (e.g. `ProgressReported`) and `data:` = JSON ' +
          '`{id, position, streamId, revision, type, data, metadata}` (position and revision as decimal strings). ' +
          'Starts after the position in `Last-Event-ID` (what EventSource sends when it reconnects), else after `after`, ' +
          'else at the head: only events appended from now on. Resuming with the last id received misses nothing and ' +
          'repeats nothing. A `: heartbeat` comment comes every 15 s. Same read access as the other reads. At most ' +
          'EVENT_STREAMS_MAX streams are open at once per node (default 100); one more is a 503 with `Retry-After`.',
        querystring: z.object({
          after: decimal.optional().describe('Start after this global position (0: the whole log, then live)'),
        }),
        headers: z.object({
          'last-event-id': decimal.optional().describe('The `id` of the last message received: resume after it'),
        }),
        response: {
          200: {
            description: 'The stream: `id:`, `event:` and `data:` lines per event, `:` comments for heartbeats',
            content: { 'text/event-stream': { schema: z.string() } },
          },
          ...problemResponses(400, 401, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      // Each stream holds a socket and a subscription for as long as the client stays.
      if (open.size >= maxStreams) {
        throw new HttpError('EVENTS.TOO_MANY_STREAMS', `This node already serves ${maxStreams} event streams; try again shortly.`, {
          'retry-after': '5',
        })
      }
      const resumeAt = request.headers['last-event-id'] ?? request.query.after
      const head = await store.headPosition()
      const from = resumeAt === undefined ? head : BigInt(resumeAt)
      // A cursor the log has not reached (a client of a ledger since restored from a backup, say)
      // would wait in silence for positions that may never come: refuse it, as the digest does.
      if (from > head) throw auditErrors.positionAhead(from, head)

      // From here on the handler owns the socket: fastify sends nothing more, hooks included.
      reply.hijack()
      const raw = reply.raw
      // What earlier hooks set on the reply (request id, security headers) would otherwise be lost.
      for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) raw.setHeader(name, value)
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        // nginx would otherwise buffer the stream.
        'x-accel-buffering': 'no',
      })
      // Sends the headers now, so the client knows it is subscribed before the first event.
      raw.write(`: after position ${from}\n\n`)

      const subscription = store.subscribeAll({ fromPosition: from })
      let sent = 0
      let ended = false
      let stop!: () => void
      const stopped = new Promise<void>((resolve) => {
        stop = resolve
      })
      const heartbeat = setInterval(() => {
        if (!ended) raw.write(': heartbeat\n\n')
      }, heartbeatMs)
      const end = () => {
        if (ended) return
        ended = true
        stop()
        clearInterval(heartbeat)
        open.delete(end)
        void subscription.close()
        raw.end()
      }
      open.add(end)
      raw.once('close', end)
      request.log.info({ after: from.toString() }, 'event stream opened')

      try {
        for await (const event of subscription) {
          if (ended) break
          if (!raw.write(sseFrame(event))) await drained(raw, stopped)
          sent += 1
        }
      } catch (err) {
        request.log.error({ err }, 'event stream failed')
      } finally {
        end()
        request.log.info({ sent }, 'event stream closed')
      }
    },
  )
}

/** `GET /v1/events`: the global log of target events as pages, for auditors walking it with a cursor. */
export const eventPageRoutes: FastifyPluginAsyncZod<{ queries: ReadModelQueries }> = async (fastify, { queries }) => {
  fastify.get(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'The global event feed, page by page',
        description:
          'Every target event in global position order, with actor, recorded time, reason and hashes (the audit-trail ' +
          'projection). Pass the page’s `next` as `after` for the next page; `next` is null at the end. `knownAt` keeps only ' +
          'events recorded up to that instant; `asOf` is refused (400): a log has no effective date. For live delivery use `/v1/events/stream`.',
        querystring: pageQuerySchema,
        response: { 200: auditPageSchema, ...problemResponses(400, 401, 429) },
      },
    },
    async (request) => queries.events(pageOptions(request.query)),
  )
}
