// Security headers from helmet, worked out once per configuration rather than on every request.
// @fastify/helmet builds a new helmet middleware (options parsed, CSP string assembled) in each
// request's hooks: ~20 µs and a pile of garbage per request on the write path. The headers only
// change with the options, so they are computed when first needed and then copied onto each reply.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route's helmet options, over the app's (the dashboard's own CSP). Static values only. */
    helmet?: Readonly<HelmetOptions>
  }
}

export interface SecurityHeadersOptions {
  /** For every route; static values only (no CSP nonces or directive functions). */
  helmet: Readonly<HelmetOptions>
}

const hasFunction = (value: unknown): boolean =>
  typeof value === 'function' || (value !== null && typeof value === 'object' && Object.values(value).some(hasFunction))

/**
 * The headers helmet's middleware sets on a response for `options`. Throws for options whose
 * headers depend on the request (a directive given as a function): those cannot be computed once.
 */
export const helmetHeaders = (options: Readonly<HelmetOptions>): Readonly<Record<string, string>> => {
  if (hasFunction(options)) throw new TypeError('security headers are computed once: helmet options must not hold functions')
  const headers: Record<string, string> = {}
  const response = {
    setHeader: (name: string, value: string | number) => {
      headers[name.toLowerCase()] = String(value)
    },
    // X-Powered-By: fastify never sets it.
    removeHeader: () => undefined,
  }
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error !== undefined) throw error
  })
  return Object.freeze(headers)
}

const securityHeadersPlugin = async (fastify: FastifyInstance, options: SecurityHeadersOptions): Promise<void> => {
  const everywhere = helmetHeaders(options.helmet)
  // By the route's own options object: each is merged with the app's and worked out once.
  const byRoute = new WeakMap<object, Readonly<Record<string, string>>>()
  const headersOf = (route: Readonly<HelmetOptions> | undefined): Readonly<Record<string, string>> => {
    if (route === undefined) return everywhere
    let headers = byRoute.get(route)
    if (headers === undefined) {
      headers = helmetHeaders({ ...options.helmet, ...route } as HelmetOptions)
      byRoute.set(route, headers)
    }
    return headers
  }
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(headersOf(request.routeOptions.config.helmet))
    done()
  })
}

/** Registered before the routes: every answer carries the headers, errors and 404s included. */
export const securityHeaders = fp(securityHeadersPlugin, { name: 'target-ledger-security-headers', fastify: '5.x' })
