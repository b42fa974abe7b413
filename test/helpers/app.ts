// Test wiring: a real SQLite file in a temp dir, the real ledger and app, a clock the test controls.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { loadCatalog } from '../../seeds/catalog-loader.js'
import { buildApp } from '../../src/http/server.js'
import { fixedClock } from '../../src/ledger/clock.js'
import { seedCatalog } from '../../src/ledger/seed.js'
import { createTargetLedger, type TargetLedger } from '../../src/ledger/target-ledger.js'
import { openSqliteEventStore, type SqliteEventStore } from '../../src/store/sqlite-event-store.js'

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

export const openTestLedger = (t: Teardown, { now = midYear }: { now?: string } = {}): TestLedger => {
  const dir = tempDir(t)
  const file = join(dir, 'ledger.db')
  const store = openSqliteEventStore({ file })
  t.teardown(() => store.close())
  const clock = fixedClock(now)
  const ledger = createTargetLedger({ store, clock, timeZone: 'Asia/Shanghai' })
  return { dir, file, store, ledger, clock }
}

/** The app over a seeded ledger, closed when the test ends. */
export const build = async (t: Teardown, options: { now?: string; seed?: boolean } = {}): Promise<TestLedger & { app: FastifyInstance }> => {
  const testLedger = openTestLedger(t, options)
  if (options.seed !== false) await seedCatalog(testLedger.ledger, loadCatalog())
  const app = await buildApp({ store: testLedger.store, ledger: testLedger.ledger })
  t.teardown(() => app.close())
  return { ...testLedger, app }
}
