// Idempotency-Key on every POST (IETF httpapi "The Idempotency-Key HTTP Header Field"): a retry
// replays the first response, the key with another request is a 422, a duplicate in flight a 409.
import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { IdempotencyStore, RecordedResponse } from '../store/sqlite-idempotency-store.js'
import { problem, sendProblem, type Problem } from './problem.js'

export const idempotencyKeyHeader = 'idempotency-key'
/** Set to `true` on a replayed response; absent on the first one. */
export const idempotencyReplayedHeader = 'idempotency-replayed'

/** What a replay repeats besides status and body: what the client acts on. */
const replayedHeaders = ['content-type', 'location', 'etag'] as const

/**
 * 5xx are failures, not outcomes: the retry must run again. The 4xx listed say "not now" rather
 * than "no" (credentials, timeout, a conflict or precondition on the target's current state, rate),
 * so a retry runs again too. Every other response is the outcome of processing, replayed as is.
 */
const notRecorded = new Set([401, 408, 409, 412, 425, 429])
export const isRecordedStatus = (status: number): boolean => status < 500 && !notRecorded.has(status)

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false`: this POST ignores Idempotency-Key (it changes nothing, or deduplicates on its own). */
    idempotency?: boolean
  }
  interface FastifyRequest {
    /** The validated Idempotency-Key (unquoted) on a POST that honours it: the ledger's `idempotencyKey`. */
    idempotencyKey: string | undefined
    /**
     * The request's fingerprint (method, URL, If-Match, body) beside its key, where a principal holds
     * the key: the ledger's `requestFingerprint`, so ids derived from the key differ for another request.
     */
    idempotencyFingerprint: string | undefined
    /**
     * Records `response` as this request's answer, inside the write's own transaction (call it from
     * the ledger's `whileWriting`), so the key's record is durable with the write and costs no commit
     * of its own. The response sent must be exactly this one; otherwise what was sent is saved as usual.
     * Does nothing for a request without a key, or where the store has no transaction open.
     */
    recordWithWrite(response: PreparedResponse): void
  }
}

/** A response built before it is sent: what `recordWithWrite` records and the route then sends. */
export interface PreparedResponse {
  status: number
  /** Lower-case names; those a replay repeats (content-type, location, etag) are recorded. */
  headers: Record<string, string>
  body: string
}

export interface IdempotencyOptions {
  store: IdempotencyStore
}

export type ParsedKey = { ok: true; key: string } | { ok: false; message: string }

const visibleAscii = /^[\x21-\x7e]{1,255}$/

/**
 * The draft makes the field a Structured Field String (`"8e03978e-…"`, RFC 8941); most clients send
 * the bare value. Both are accepted and mean the same key. The key itself is 1–255 visible ASCII
 * characters: no spaces, so a header sent twice (joined with ", ") is refused, not merged.
 */
export const parseIdempotencyKey = (raw: string | string[]): ParsedKey => {
  if (Array.isArray(raw)) return { ok: false, message: 'must be sent once' }
  let key = raw
  if (raw.startsWith('"')) {
    const unquoted = /^"((?:[^"\\]|\\["\\])*)"$/.exec(raw)
    if (unquoted === null) return { ok: false, message: 'is not a valid quoted string' }
    key = unquoted[1]!.replace(/\\(["\\])/g, '$1')
  }
  if (!visibleAscii.test(key)) return { ok: false, message: 'must be 1 to 255 visible ASCII characters' }
  return { ok: true, key }
}

/**
 * sha256 over the RFC 8785 canonical JSON of what makes two requests the same request: method,
 * URL as sent (path and query), If-Match (it changes what the write means) and the parsed body, so
 * whitespace and key order in the body do not matter.
 */
export const requestFingerprint = (request: FastifyRequest): string => {
  const canonical = canonicalize({
    method: request.method,
    url: request.url,
    ifMatch: request.headers['if-match'] ?? null,
    body: request.body ?? null,
  })
  return createHash('sha256')
    .update(canonical ?? '')
    .digest('hex')
}

const invalidKey = (message: string): Problem =>
  problem(400, 'IDEMPOTENCY.KEY_INVALID', 'Bad Request', `The Idempotency-Key header ${message}.`, [
    { path: `headers.${idempotencyKeyHeader}`, message },
  ])

const keyReused = (): Problem =>
  problem(
    422,
    'IDEMPOTENCY.KEY_REUSED',
    'Unprocessable Content',
    'This Idempotency-Key was already used with a different request; use a new key for a new request.',
  )

const keyInFlight = (): Problem =>
  problem(
    409,
    'IDEMPOTENCY.IN_FLIGHT',
    'Conflict',
    'A request with this Idempotency-Key is still being processed; retry once it has been answered.',
  )

interface Claim {
  principalId: string
  key: string
  fingerprint: string
  /** The in-flight map's key. */
  slot: string
  /** Recorded with the write, by `recordWithWrite`. */
  recorded?: RecordedResponse
}

const recordedHeaders = (header: (name: string) => number | string | string[] | undefined): Record<string, string> => {
  const headers: Record<string, string> = {}
  for (const name of replayedHeaders) {
    const value = header(name)
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value)
  }
  return headers
}

const sameResponse = (a: RecordedResponse, b: RecordedResponse): boolean =>
  a.status === b.status &&
  a.body.equals(b.body) &&
  replayedHeaders.every((name) => a.headers[name] === b.headers[name])

/** The payload as sent, or undefined for a stream (never a POST's answer here), which cannot be replayed. */
const recordedBody = (payload: unknown): Buffer | undefined => {
  if (payload === null || payload === undefined) return Buffer.alloc(0)
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8')
  if (Buffer.isBuffer(payload)) return payload
  return undefined
}

const idempotencyPlugin = async (fastify: FastifyInstance, { store }: IdempotencyOptions): Promise<void> => {
  fastify.decorateRequest('idempotencyKey', undefined)
  fastify.decorateRequest('idempotencyFingerprint', undefined)
  // In flight is kept in memory only: one process writes a file, and a crash forgets its claims
  // with it, so a key is never blocked by a request that died. Only completed responses are durable.
  const inFlight = new Map<string, string>()
  const claims = new WeakMap<FastifyRequest, Claim>()

  fastify.decorateRequest('recordWithWrite', function (this: FastifyRequest, response: PreparedResponse): void {
    const claim = claims.get(this)
    if (claim === undefined || !isRecordedStatus(response.status)) return
    const recorded: RecordedResponse = {
      fingerprint: claim.fingerprint,
      status: response.status,
      headers: recordedHeaders((name) => response.headers[name]),
      body: Buffer.from(response.body, 'utf8'),
    }
    if (store.saveInOpenTransaction(claim.principalId, claim.key, recorded) !== undefined) claim.recorded = recorded
  })

  const release = (request: FastifyRequest): void => {
    const claim = claims.get(request)
    if (claim === undefined) return
    claims.delete(request)
    inFlight.delete(claim.slot)
  }

  // preHandler: after auth (onRequest) has set the principal and the body has been parsed and
  // validated. A request refused before (401, 413, 415, 429, schema 400) never takes the key.
  fastify.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || request.is404 || request.routeOptions.config.idempotency === false) return
    const raw = request.headers[idempotencyKeyHeader]
    if (raw === undefined) return
    const parsed = parseIdempotencyKey(raw)
    if (!parsed.ok) return sendProblem(reply, invalidKey(parsed.message))
    const { key } = parsed
    request.idempotencyKey = key
    // Keys are per principal; an anonymous POST (a public verification) has nobody to scope them to.
    const principalId = request.principal?.id
    if (principalId === undefined) return

    const fingerprint = requestFingerprint(request)
    request.idempotencyFingerprint = fingerprint
    const slot = `${principalId}\u0000${key}`
    const running = inFlight.get(slot)
    if (running !== undefined) return sendProblem(reply, running === fingerprint ? keyInFlight() : keyReused())
    const recorded = store.find(principalId, key)
    if (recorded !== undefined) {
      if (recorded.fingerprint !== fingerprint) return sendProblem(reply, keyReused())
      request.log.info({ idempotencyKey: key, status: recorded.status, recordedAt: recorded.createdAt }, 'idempotent replay')
      return reply.code(recorded.status).headers(recorded.headers).header(idempotencyReplayedHeader, 'true').send(recorded.body)
    }
    // Claimed in the same synchronous run as the lookups: no duplicate can slip in between.
    inFlight.set(slot, fingerprint)
    claims.set(request, { principalId, key, fingerprint, slot })
  })

  // The response waits for its record to be durable. A write that recorded its response with its
  // events (`recordWithWrite`: the embedded store, same file) is there already; any other response
  // (a refusal, a replay by the ledger, a write on EventStoreDB) rides along with the connection's
  // next group commit, one transaction and one WAL sync off the event loop. Sending first would be
  // almost as good for a same-body retry, since the ledger replays a key's events into the same
  // result, but a crash in between would forget that the key was used: a retry with another body
  // would then run instead of getting its 422, and a recorded 4xx would be decided afresh.
  fastify.addHook('onSend', async (request, reply, payload) => {
    const claim = claims.get(request)
    if (claim === undefined) return payload
    try {
      const body = recordedBody(payload)
      if (isRecordedStatus(reply.statusCode) && body !== undefined) {
        const response: RecordedResponse = {
          fingerprint: claim.fingerprint,
          status: reply.statusCode,
          headers: recordedHeaders((name) => reply.getHeader(name)),
          body,
        }
        // Already durable with the write, unless what is sent differs from what was recorded.
        if (claim.recorded === undefined || !sameResponse(claim.recorded, response)) await store.save(claim.principalId, claim.key, response)
      }
    } catch (err) {
      // The write itself stands; the ledger still maps a same-body retry to the same events.
      request.log.error({ err, idempotencyKey: claim.key }, 'idempotency record not saved')
    } finally {
      release(request)
    }
    return payload
  })

  // If an onSend hook before this one fails, the one above never runs: the key must not stay claimed.
  fastify.addHook('onResponse', async (request) => {
    release(request)
  })
}

/** Registered before the routes; applies to every POST of the app. */
export const idempotency = fp(idempotencyPlugin, { name: 'idempotency', fastify: '5.x' })
