// The read-only dashboard at `/`: static ES modules, HTML and CSS that call the public read API.
import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { HelmetOptions } from 'helmet'
import type { FastifyInstance } from 'fastify'
import { packageRoot } from '../../../seeds/catalog-loader.js'

/**
 * tsc copies no asset into dist/, so the files are served from the source tree, found from the
 * package root: the same directory whether the service runs from src/ (tests) or dist/ (built).
 */
export const dashboardAssets = join(packageRoot(), 'src', 'http', 'dashboard', 'assets')

/**
 * The page runs its own scripts and styles from this origin and calls the API on it; nothing
 * inline (the charts are SVG elements built in script, styled by class), nothing from elsewhere.
 * The API's own `default-src 'none'` would block all of that, so these routes carry this policy instead.
 */
const dashboardCsp: HelmetOptions['contentSecurityPolicy'] = {
  useDefaults: false,
  directives: {
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'connect-src': ["'self'"],
    'img-src': ["'self'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  },
}

/** Register without fastify-plugin: the onRoute hook must stay inside this context. */
export const dashboard = async (fastify: FastifyInstance): Promise<void> => {
  // The page is public so that it can ask for a token; the data behind it stays behind the API's own auth.
  fastify.addHook('onRoute', (route) => {
    route.config = { ...route.config, public: true, helmet: { contentSecurityPolicy: dashboardCsp } }
  })
  // One route per file found at boot (no wildcard): unknown paths still reach the API's 404 handler.
  await fastify.register(fastifyStatic, { root: dashboardAssets, prefix: '/', wildcard: false, index: 'index.html' })
}
