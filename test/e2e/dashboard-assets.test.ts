// The dashboard's files as the server hands them out, without a browser: public, under the page's own
// CSP (the API keeps `default-src 'none'`), every module preloaded by index.html, and nothing else served.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import t from 'tap'
import { dashboardAssets } from '../../src/http/dashboard/dashboard.js'
import { bearer, build } from '../helpers/app.js'

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [relative(dashboardAssets, join(dir, entry.name))],
  )

const assets = files(dashboardAssets)

t.test('every file is served without a token, under a CSP that allows only this origin’s scripts, styles and reads', async (t) => {
  const { app } = await build(t, { publicRead: false })
  for (const path of ['/', ...assets.map((file) => `/${file}`)]) {
    const res = await app.inject({ url: path })
    t.equal(res.statusCode, 200, `${path} is served`)
    t.match(res.headers['content-security-policy'], /script-src 'self';style-src 'self';connect-src 'self'/, `${path} has the dashboard's CSP`)
    t.notMatch(res.headers['content-security-policy'], /unsafe-inline|unsafe-eval/)
  }
  const api = await app.inject({ url: '/v1/zones' })
  t.equal(api.statusCode, 401, 'the data behind the page still needs a token')
  t.equal(api.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'", 'and keeps the API’s CSP')
  const unknown = await app.inject({ url: '/dashboard.ts', headers: bearer('reader') })
  t.equal(unknown.statusCode, 404, 'only the asset files are served')
  t.match(unknown.headers['content-type'], /^application\/problem\+json/)
})

t.test('index.html preloads every module, so the page loads them in one round trip', async (t) => {
  const html = readFileSync(join(dashboardAssets, 'index.html'), 'utf8')
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="\/([^"]+)">/g)].map((match) => match[1])
  const modules = assets.filter((file) => file.endsWith('.js') && file !== 'main.js')
  t.same(preloaded.sort(), modules.sort())
  t.notMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script')
  t.notMatch(html, /https?:\/\//, 'nothing from another origin')
})
