// The live feed over a real socket (inject cannot stream): order, resumption by Last-Event-ID or
// ?after=, heartbeats, and the subscription closed when the client goes away or the server stops.
import Fastify from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import t from 'tap'
import { eventFeedRoutes } from '../../src/http/routes/event-feed.js'
import type { EventStore, Subscription } from '../../src/store/event-store.js'
import { bearer, build, openTestLedger } from '../helpers/app.js'
import { introduced, X } from '../audit/helpers/ledger-scenario.js'

interface Message {
  id?: string
  event?: string
  data?: string
  comment?: string
}

/** An SSE client on fetch's body stream: `next()` resolves with each message or comment in turn. */
const openFeed = async (url: string, headers: Record<string, string>) => {
  const abort = new AbortController()
  const res = await fetch(url, { headers, signal: abort.signal })
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  const next = async (): Promise<Message> => {
    for (;;) {
      const end = buffer.indexOf('\n\n')
      if (end !== -1) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const message: Message = {}
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) message.comment = line.slice(1).trim()
          else {
            const colon = line.indexOf(':')
            const field = line.slice(0, colon) as 'id' | 'event' | 'data'
            message[field] = line.slice(colon + 1).replace(/^ /, '')
          }
        }
        return message
      }
      const chunk = await reader.read()
      if (chunk.done) throw new Error('the stream ended')
      buffer += chunk.value
    }
  }
  /** The next message that is an event, skipping comments. */
  const nextEvent = async (): Promise<Message> => {
    for (;;) {
      const message = await next()
      if (message.comment === undefined) return message
    }
  }
  /** Resolves when the server ends the stream. */
  const ended = async (): Promise<void> => {
    for (;;) if ((await reader.read()).done) return
  }
  return { res, next, nextEvent, ended, close: () => abort.abort() }
}

/** Counts subscriptions closed, by wrapping the store the routes hold. */
const countClosedSubscriptions = (store: EventStore): { closed: number } => {
  const counter = { closed: 0 }
  const subscribeAll = store.subscribeAll.bind(store)
  store.subscribeAll = (options) => {
    const subscription = subscribeAll(options)
    const wrapped: Subscription = {
      [Symbol.asyncIterator]: () => subscription[Symbol.asyncIterator](),
      close: async () => {
        counter.closed += 1
        await subscription.close()
      },
    }
    return wrapped
  }
  return counter
}

const waitUntil = async (condition: () => boolean, ms = 2000): Promise<boolean> => {
  const until = Date.now() + ms
  while (!condition()) {
    if (Date.now() > until) return false
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return true
}

const report = (app: Awaited<ReturnType<typeof build>>['app'], value: number) =>
  app.inject({ method: 'POST', url: `/v1/targets/${introduced}/reports`, headers: bearer('agency-qingdao-etdz'), payload: { asOf: '2023-06-30', value } })

t.test('a subscriber receives three writes in order; reconnecting with Last-Event-ID resumes with no gap or repeat', async (t) => {
  const { app, store } = await build(t)
  const closed = countClosedSubscriptions(store)
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  const head = await store.headPosition()

  const first = await openFeed(`${base}/v1/events/stream`, bearer('reader'))
  t.equal(first.res.status, 200)
  t.match(first.res.headers.get('content-type'), /^text\/event-stream/)
  t.ok(first.res.headers.get('x-request-id'), 'headers set by hooks survive the hijack')
  t.match(await first.next(), { comment: `after position ${head}` }, 'subscribed at the head: only new events')

  for (const value of [1, 2, 3]) t.equal((await report(app, value)).statusCode, 201)
  const received = [await first.nextEvent(), await first.nextEvent(), await first.nextEvent()]
  t.same(
    received.map((m) => m.id),
    [head + 1n, head + 2n, head + 3n].map(String),
    'ids are the global positions, in order',
  )
  t.same(received.map((m) => m.event), ['ProgressReported', 'ProgressReported', 'ProgressReported'])
  const payloads = received.map((m) => JSON.parse(m.data!))
  t.same(payloads.map((p) => [p.streamId, p.revision, p.data.value]), [
    [X, '1', 1],
    [X, '2', 2],
    [X, '3', 3],
  ])
  t.match(payloads[0], { position: String(head + 1n), type: 'ProgressReported', metadata: { actor: { id: 'agency-qingdao-etdz' } } })

  first.close()
  t.ok(await waitUntil(() => closed.closed === 1), 'the subscription is closed when the client disconnects')

  // Two more writes while nobody listens, then the client comes back after the second event it saw.
  for (const value of [4, 5]) await report(app, value)
  const second = await openFeed(`${base}/v1/events/stream`, { ...bearer('reader'), 'last-event-id': received[1]!.id! })
  const resumed = [await second.nextEvent(), await second.nextEvent(), await second.nextEvent()]
  t.same(
    resumed.map((m) => m.id),
    [head + 3n, head + 4n, head + 5n].map(String),
    'resumes right after the last id seen: nothing missed, nothing twice',
  )
  await report(app, 6)
  t.equal((await second.nextEvent()).id, String(head + 6n), 'then goes live')
  second.close()
})

t.test('?after= replays from a position; Last-Event-ID wins over it', async (t) => {
  const { app, store } = await build(t)
  const closed = countClosedSubscriptions(store)
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  const feed = await openFeed(`${base}/v1/events/stream?after=0`, bearer('reader'))
  t.match(await feed.nextEvent(), { id: '1', event: 'TargetDefined' }, 'the whole log from the start')
  feed.close()
  // Reconnecting while the old socket is torn down makes fetch open a spare one, which would hold up app.close.
  await waitUntil(() => closed.closed === 1)
  const head = await store.headPosition()
  const resumed = await openFeed(`${base}/v1/events/stream?after=0`, { ...bearer('reader'), 'last-event-id': String(head - 1n) })
  t.match(await resumed.nextEvent(), { id: String(head) })
  resumed.close()
})

t.test('the read gate applies; a malformed Last-Event-ID is a 400', async (t) => {
  const { app } = await build(t)
  t.equal((await app.inject({ method: 'GET', url: '/v1/events/stream' })).statusCode, 401)
  const bad = await app.inject({ method: 'GET', url: '/v1/events/stream', headers: { ...bearer('reader'), 'last-event-id': 'abc' } })
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { errors: [{ path: 'headers.last-event-id' }] })
})

t.test('closing the server ends open streams instead of waiting for them', async (t) => {
  const { app, store } = await build(t)
  const closed = countClosedSubscriptions(store)
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  const feed = await openFeed(`${base}/v1/events/stream`, bearer('reader'))
  await feed.next()
  const started = Date.now()
  await app.close()
  await feed.ended()
  t.ok(Date.now() - started < 2000, 'close did not hang on the stream')
  t.equal(closed.closed, 1)
})

t.test('an idle stream gets heartbeat comments', async (t) => {
  const { store } = openTestLedger(t)
  const app = Fastify()
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  await app.register(eventFeedRoutes, { store, heartbeatMs: 50 })
  t.teardown(() => app.close())
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  const feed = await openFeed(`${base}/events/stream`, {})
  t.match(await feed.next(), { comment: 'after position 0' })
  t.match(await feed.next(), { comment: 'heartbeat' })
  t.match(await feed.next(), { comment: 'heartbeat' })
  feed.close()
})

t.test('streams beyond EVENT_STREAMS_MAX get a 503 problem with Retry-After until one closes', async (t) => {
  const { app } = await build(t, { maxEventStreams: 2 })
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  const url = `${base}/v1/events/stream`
  const first = await openFeed(url, bearer('reader'))
  const second = await openFeed(url, bearer('reader'))
  await first.next()
  await second.next()
  const refused = await fetch(url, { headers: bearer('reader') })
  t.equal(refused.status, 503)
  t.equal(refused.headers.get('retry-after'), '5')
  t.match(refused.headers.get('content-type'), /^application\/problem\+json/)
  t.match(await refused.json(), { code: 'EVENTS.TOO_MANY_STREAMS', status: 503 })
  first.close()
  let third: Awaited<ReturnType<typeof openFeed>> | undefined
  for (let attempt = 0; attempt < 50 && third === undefined; attempt++) {
    const candidate = await openFeed(url, bearer('reader'))
    if (candidate.res.status === 200) third = candidate
    else await new Promise((resolve) => setTimeout(resolve, 20))
  }
  t.equal(third?.res.status, 200, 'a place freed by a closed stream is taken again')
  t.match(await third!.next(), { comment: /^after position/ })
  second.close()
  third!.close()
})

t.test('a stream asked to start past the log’s head is a 422 naming the head, not a silent wait', async (t) => {
  const { app, store } = await build(t)
  const head = await store.headPosition()
  for (const headers of [{}, { 'last-event-id': String(head + 1000n) }]) {
    const query = 'last-event-id' in headers ? '' : `?after=${head + 1n}`
    const res = await app.inject({ url: `/v1/events/stream${query}`, headers: { ...bearer('reader'), ...headers } })
    t.equal(res.statusCode, 422)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.match(res.json(), { code: 'LEDGER.POSITION_AHEAD', details: { headPosition: head.toString() } })
  }
})
