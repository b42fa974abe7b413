// Authentication: who holds the bearer token (`request.principal`), and the gate every route that is not
// marked public sits behind. Which role may do what is the decider's business (403), not this file's.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { HttpError } from './problem.js'
import type { PrincipalDirectory } from './principals.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a token, and a bad one is ignored: liveness, readiness, the API docs. */
    public?: boolean
  }
}

export interface AuthOptions {
  principals: PrincipalDirectory
  /** GET and HEAD without a token are let through (a token that is sent must still be valid). */
  publicRead: boolean
}

export const realm = 'target-ledger'

/** RFC 6750 §2.1: `Bearer` (any case), one or more spaces, a token68. */
const bearerPattern = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i

const challenge = (error?: 'invalid_request' | 'invalid_token'): Record<string, string> => ({
  'www-authenticate': `Bearer realm="${realm}"${error ? `, error="${error}"` : ''}`,
})

const missingToken = (): HttpError =>
  new HttpError('AUTH.MISSING_TOKEN', 'This route needs a token: send Authorization: Bearer <token>.', challenge())

const malformedAuthorization = (): HttpError =>
  new HttpError(
    'AUTH.MALFORMED_AUTHORIZATION',
    'The Authorization header is not of the form Bearer <token>.',
    challenge('invalid_request'),
  )

const invalidToken = (): HttpError =>
  new HttpError('AUTH.INVALID_TOKEN', 'The bearer token is not known.', challenge('invalid_token'))

const isRead = (method: string): boolean => method === 'GET' || method === 'HEAD'

const authPlugin: FastifyPluginAsync<AuthOptions> = async (fastify, { principals, publicRead }) => {
  fastify.decorateRequest('principal', null)
  const refusals = new WeakMap<FastifyRequest, HttpError>()

  // Identifies on every route, public ones included (a public route may still care who calls);
  // only the gate below refuses.
  fastify.addHook('onRequest', async (request) => {
    const header = request.headers.authorization
    if (header === undefined) return
    const token = bearerPattern.exec(header)?.[1]
    const principal = token === undefined ? undefined : principals.authenticate(token)
    if (principal) request.principal = principal
    else refusals.set(request, token === undefined ? malformedAuthorization() : invalidToken())
  })

  // The refusal waits for preParsing, after the rate limiter's onRequest hook (route hooks run after
  // the app's): requests with a bad token count against their address, and still no body is read.
  fastify.addHook('preParsing', async (request, _reply, payload) => {
    if (request.routeOptions.config.public === true) return payload
    const refusal = refusals.get(request)
    if (refusal) throw refusal
    if (request.principal === null && !(publicRead && isRead(request.method))) throw missingToken()
    return payload
  })
}

/** Wrapped in fastify-plugin so the hooks reach every route registered after it. */
export const auth = fp(authPlugin, { name: 'target-ledger-auth', fastify: '5.x' })
