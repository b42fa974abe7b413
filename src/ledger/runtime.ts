// Opens what every command needs from the configuration: the store under DATA_DIR and the ledger on it.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../config.js'
import { createEsdbEventStore } from '../store/esdb-event-store.js'
import { openSqliteEventStore } from '../store/sqlite-event-store.js'
import type { EventStore } from '../store/event-store.js'
import {
  createSqliteIdempotencyStore,
  openSqliteIdempotencyStore,
  type SqliteIdempotencyStore,
} from '../store/sqlite-idempotency-store.js'
import { systemClock, type Clock } from './clock.js'
import { createTargetLedger, type TargetLedger } from './target-ledger.js'

export interface Runtime {
  /** Where the events live, for the logs: the SQLite file, or the EventStoreDB address without credentials. */
  location: string
  store: EventStore
  ledger: TargetLedger
  /** Idempotency-Key records: beside the events when embedded; with esdb, in this node's read-model file. Close it before the store. */
  idempotency: SqliteIdempotencyStore
  /** Closes the key store, then the event store. */
  close(): Promise<void>
}

export const openRuntime = (config: Config, clock: Clock = systemClock): Runtime => {
  mkdirSync(config.DATA_DIR, { recursive: true })
  const esdbUrl = config.STORE === 'esdb' ? config.EVENTSTORE_URL : undefined
  // Credentials in a connection string stay out of the logs.
  const location = esdbUrl?.replace(/\/\/[^@/]*@/, '//***@') ?? join(config.DATA_DIR, 'ledger.db')
  const sqliteStore = esdbUrl ? undefined : openSqliteEventStore({ file: location })
  const store = sqliteStore ?? createEsdbEventStore({ connectionString: esdbUrl! })
  const keys = { clock, ttlMs: config.IDEMPOTENCY_TTL * 1000 }
  const idempotency = sqliteStore
    ? createSqliteIdempotencyStore(sqliteStore.db, keys)
    : openSqliteIdempotencyStore({ file: join(config.DATA_DIR, 'read-models.db'), ...keys })
  const ledger = createTargetLedger({
    store,
    clock,
    timeZone: config.TIME_ZONE,
    thresholds: { onTrackGap: config.ON_TRACK_GAP, laggingGap: config.LAGGING_GAP },
  })
  const close = async () => {
    await idempotency.close()
    await store.close()
  }
  return { location, store, ledger, idempotency, close }
}
