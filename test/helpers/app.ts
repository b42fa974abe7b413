// Test wiring: a real SQLite file in a temp dir, the real ledger and app, a clock the test controls.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { loadCatalog } from '../../seeds/catalog-loader.js'
import type { AppOptions } from '../../src/http/app.js'
import { loadDemoPrincipals, readDemoPrincipals, type PrincipalDirectory } from '../../src/http/principals.js'
import { buildApp } from '../../src/http/server.js'
import { fixedClock } from '../../src/ledger/clock.js'
import { createProjector, type Projector } from '../../src/projector/projector.js'
import { createReadModelQueries, type ReadModelQueries } from '../../src/projector/read-model-queries.js'
import { seedCatalog } from '../../src/ledger/seed.js'
import { createTargetLedger, type TargetLedger } from '../../src/ledger/target-ledger.js'
import { openSqliteEventStore, type SqliteEventStore } from '../../src/store/sqlite-event-store.js'
import { createSqliteIdempotencyStore, type SqliteIdempotencyStore } from '../../src/store/sqlite-idempotency-store.js'

interface Teardown {
  teardown(fn: () => unknown): void
}

export interface TestLedger {
  dir: string
  file: string
  store: SqliteEventStore
  ledger: TargetLedger
  clock: ReturnType<typeof fixedClock>
}

/** 2023-07-15 10:00 in Beijing: mid-year, inside the report's period. */
export const midYear = '2023-07-15T02:00:00.000Z'

export const tempDir = (t: Teardown, prefix = 'target-ledger-'): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export const openTestLedger = (
  t: Teardown,
  { now = midYear, closeStore = true, file: given }: { now?: string; closeStore?: boolean; file?: string } = {},
): TestLedger => {
  const dir = tempDir(t)
  const file = given ?? join(dir, 'ledger.db')
  const store = openSqliteEventStore({ file })
  if (closeStore) t.teardown(() => store.close())
  const clock = fixedClock(now)
  const ledger = createTargetLedger({ store, clock, timeZone: 'Asia/Shanghai' })
  return { dir, file, store, ledger, clock }
}

/** The demo principals' tokens by principal id (seeds/principals.demo.json). */
export const demoTokens: Readonly<Record<string, string>> = Object.fromEntries(readDemoPrincipals().map((demo) => [demo.id, demo.token]))

/** The token of a demo principal: `demoToken('admin')`, `demoToken('auditor-b')`, `demoToken('agency-qingdao-etdz')`. */
export const demoToken = (id: string): string => {
  const token = demoTokens[id]
  if (token === undefined) throw new Error(`no demo principal "${id}" in seeds/principals.demo.json`)
  return token
}

/** Headers that authenticate as a demo principal: `app.inject({ url, headers: bearer('reader') })`. */
export const bearer = (id: string): { authorization: string } => ({ authorization: `Bearer ${demoToken(id)}` })

const demoPrincipals = loadDemoPrincipals()

export interface BuildOptions {
  now?: string
  /** An existing ledger file to open (as after a restart); default a new one in a temp dir. */
  file?: string
  seed?: boolean
  /** Default: the demo principals. */
  principals?: PrincipalDirectory
  /** Default false, as in production: reads need a token too. */
  publicRead?: boolean
  /** Default: far more than any test sends, so only tests about the limit meet it. */
  rateLimit?: AppOptions['rateLimit']
  /** Default: the app's own (100). */
  maxEventStreams?: number
  /** Default: no logs. */
  logger?: FastifyServerOptions['logger']
}

export interface TestApp extends TestLedger {
  app: FastifyInstance
  projector: Projector
  queries: ReadModelQueries
  idempotency: SqliteIdempotencyStore
  /** What the test's end does (app, projector, store, in that order), at once; idempotent. */
  close(): Promise<void>
}

/**
 * The app over a seeded ledger with its read models caught up and live, as `serve` runs it; when the
 * test ends the app closes, then the projector stops, then the store closes.
 */
export const build = async (t: Teardown, options: BuildOptions = {}): Promise<TestApp> => {
  const testLedger = openTestLedger(t, { ...options, closeStore: false })
  const { store, ledger, clock } = testLedger
  if (options.seed !== false) await seedCatalog(ledger, loadCatalog())
  const idempotency = createSqliteIdempotencyStore(store.db, { clock, ttlMs: 24 * 60 * 60 * 1000 })
  const projector = createProjector({ store, db: store.db })
  const queries = createReadModelQueries({ db: store.db, ledger, today: ledger.today })
  await projector.start()
  let app: FastifyInstance | undefined
  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= (async () => {
      await app?.close()
      await projector.stop()
      await store.close()
    })())
  t.teardown(close)
  app = await buildApp({
    store,
    ledger,
    projector,
    queries,
    readYourWritesTimeoutMs: 5000,
    ...(options.maxEventStreams === undefined ? {} : { maxEventStreams: options.maxEventStreams }),
    idempotency,
    principals: options.principals ?? demoPrincipals,
    publicRead: options.publicRead ?? false,
    rateLimit: options.rateLimit ?? { max: 1_000_000, timeWindowMs: 60_000 },
  }, options.logger ?? false)
  return { ...testLedger, app, projector, queries, idempotency, close }
}
