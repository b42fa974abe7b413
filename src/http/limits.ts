// What every request meets before a handler: security headers, a rate limit per principal, JSON-only
// bodies whose strings are Unicode text.
import rateLimit from '@fastify/rate-limit'
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { HttpError, problem, sendProblem } from './problem.js'
import { securityHeaders } from './security-headers.js'

export interface LimitsOptions {
  rateLimit: {
    /** Requests allowed per key in each window. */
    max: number
    timeWindowMs: number
  }
}

const limitsPlugin: FastifyPluginAsync<LimitsOptions> = async (fastify, { rateLimit: { max, timeWindowMs } }) => {
  await fastify.register(securityHeaders, {
    helmet: {
      // The API answers JSON and CSV, never a page: nothing may load, run or frame. The docs UI and the dashboard set their own.
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      frameguard: { action: 'deny' },
    },
  })

  await fastify.register(rateLimit, {
    max,
    timeWindow: timeWindowMs,
    // The limiter's hook is added to each route, so it runs after the app-wide authentication hook
    // and sees the principal. Without a valid token the caller is known only by its address.
    keyGenerator: (request) => (request.principal ? `principal:${request.principal.id}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) =>
      new HttpError('REQUEST.RATE_LIMITED', `More than ${context.max} requests in the window; retry in ${context.after}.`),
  })

  // Bodies are JSON: without fastify's text/plain parser every other media type is a 415.
  fastify.removeContentTypeParser('text/plain')

  // JSON may escape half of a surrogate pair (`"\ud800"`), which is no Unicode text: it cannot be
  // stored as UTF-8 nor canonicalised for a hash (RFC 8785), so it is refused before validation.
  fastify.addHook('preValidation', async (request, reply) => {
    const path = illFormedStringAt(request.body, 'body')
    if (path === undefined) return
    const message = 'contains a lone UTF-16 surrogate: not Unicode text'
    return sendProblem(reply, problem(400, 'REQUEST.INVALID', 'Bad Request', `${path} ${message}.`, [{ path, message }]))
  })
}

/** A lone surrogate: with the u flag a well-formed pair is one code point, which is not in Cs. */
const loneSurrogate = /\p{Cs}/u

/** The path of the first string (or key) in `value` holding a lone surrogate; undefined when there is none. */
export const illFormedStringAt = (value: unknown, path: string): string | undefined => {
  if (typeof value === 'string') return loneSurrogate.test(value) ? path : undefined
  if (value === null || typeof value !== 'object') return undefined
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = illFormedStringAt(value[i], `${path}.${i}`)
      if (found !== undefined) return found
    }
    return undefined
  }
  for (const [key, item] of Object.entries(value)) {
    if (loneSurrogate.test(key)) return `${path}.${key}`
    const found = illFormedStringAt(item, `${path}.${key}`)
    if (found !== undefined) return found
  }
  return undefined
}

/** Wrapped in fastify-plugin so headers, limit and parsers apply to every route registered after it. */
export const limits = fp(limitsPlugin, { name: 'target-ledger-limits', fastify: '5.x' })
