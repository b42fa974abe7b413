// Opens what every command needs from the configuration: the store under DATA_DIR, the ledger on it,
// the read-model database with its projector and queries, and the Idempotency-Key records.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../config.js'
import { createProjector, type Projector, type ProjectorLog } from '../projector/projector.js'
import { createReadModelQueries, type ReadModelQueries } from '../projector/read-model-queries.js'
import { openSqliteDatabase, type SqliteDatabase } from '../store/sqlite-database.js'
import { createEsdbEventStore } from '../store/esdb-event-store.js'
import { openSqliteEventStore } from '../store/sqlite-event-store.js'
import type { EventStore } from '../store/event-store.js'
import { createSqliteIdempotencyStore, type SqliteIdempotencyStore } from '../store/sqlite-idempotency-store.js'
import { systemClock, type Clock } from './clock.js'
import { createTargetLedger, type TargetLedger } from './target-ledger.js'

export interface Runtime {
  /** Where the events live, for the logs: the SQLite file, or the EventStoreDB address without credentials. */
  location: string
  store: EventStore
  ledger: TargetLedger
  /**
   * This node's read models: the event store's own SQLite file when embedded (DESIGN §4), or
   * DATA_DIR/read-models.db with esdb. The projector writes it, the queries read it.
   */
  readModels: SqliteDatabase
  /** Created on first use, not started: `serve` starts it (catch-up, then live); `rebuild` rebuilds with it. */
  readonly projector: Projector
  queries: ReadModelQueries
  /** Idempotency-Key records, in the read-model database (with the events when embedded). */
  idempotency: SqliteIdempotencyStore
  /** Stops the projector, closes the key store, the read-model file (esdb) and the event store, in that order. */
  close(): Promise<void>
}

export interface RuntimeOptions {
  clock?: Clock
  log?: ProjectorLog
}

export const openRuntime = (config: Config, { clock = systemClock, log }: RuntimeOptions = {}): Runtime => {
  mkdirSync(config.DATA_DIR, { recursive: true })
  const esdbUrl = config.STORE === 'esdb' ? config.EVENTSTORE_URL : undefined
  // Credentials in a connection string stay out of the logs.
  const location = esdbUrl?.replace(/\/\/[^@/]*@/, '//***@') ?? join(config.DATA_DIR, 'ledger.db')
  const sqliteStore = esdbUrl ? undefined : openSqliteEventStore({ file: location })
  const store = sqliteStore ?? createEsdbEventStore({ connectionString: esdbUrl! })
  const readModels = sqliteStore?.db ?? openSqliteDatabase(join(config.DATA_DIR, 'read-models.db'))
  const idempotency = createSqliteIdempotencyStore(readModels, { clock, ttlMs: config.IDEMPOTENCY_TTL })
  const thresholds = { onTrackGap: config.ON_TRACK_GAP, laggingGap: config.LAGGING_GAP }
  const ledger = createTargetLedger({ store, clock, timeZone: config.TIME_ZONE, thresholds })
  const queries = createReadModelQueries({ db: readModels, ledger, today: ledger.today, thresholds })
  // Made on first use: it migrates the read models (and rebuilds a projection whose version changed),
  // which commands that only read the log (verify, digest) must not do.
  let projector: Projector | undefined
  const close = async () => {
    await projector?.stop()
    await idempotency.close()
    if (sqliteStore === undefined) readModels.close()
    await store.close()
  }
  return {
    location,
    store,
    ledger,
    readModels,
    get projector() {
      return (projector ??= createProjector({ store, db: readModels, ...(log ? { log } : {}) }))
    },
    queries,
    idempotency,
    close,
  }
}
