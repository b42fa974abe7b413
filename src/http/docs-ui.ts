// The Swagger UI at /docs: readable without a token, under a Content-Security-Policy of its own.
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'

export const docsPrefix = '/docs'

/**
 * The UI's bundle, stylesheet and initializer are files under /docs/static; it fetches the spec from
 * /docs/json and "Try it out" calls this origin. It runs no inline script but does set inline styles
 * (headless Chromium reports them blocked under `style-src 'self'`). No upgrade-insecure-requests: the
 * demo serves plain HTTP, and the browser would then ask for the UI's own files over https.
 */
const docsCsp = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
}

/** Register without fastify-plugin: the onRoute hook must stay inside this context. */
export const docsUi = async (fastify: FastifyInstance): Promise<void> => {
  // The UI plugin adds its routes itself, without route options: they are marked public as they are added.
  fastify.addHook('onRoute', (route) => {
    route.config = { ...route.config, public: true }
  })
  await fastify.register(swaggerUi, { routePrefix: docsPrefix, staticCSP: docsCsp })
}
