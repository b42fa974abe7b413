// What every request meets before a handler: security headers, a rate limit per principal, JSON-only bodies.
import rateLimit from '@fastify/rate-limit'
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { HttpError } from './problem.js'
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
}

/** Wrapped in fastify-plugin so headers, limit and parsers apply to every route registered after it. */
export const limits = fp(limitsPlugin, { name: 'target-ledger-limits', fastify: '5.x' })
