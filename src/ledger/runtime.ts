// Opens what every command needs from the configuration: the store under DATA_DIR and the ledger on it.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../config.js'
import { createEsdbEventStore } from '../store/esdb-event-store.js'
import { openSqliteEventStore } from '../store/sqlite-event-store.js'
import type { EventStore } from '../store/event-store.js'
import { systemClock, type Clock } from './clock.js'
import { createTargetLedger, type TargetLedger } from './target-ledger.js'

export interface Runtime {
  /** Where the events live, for the logs: the SQLite file, or the EventStoreDB address without credentials. */
  location: string
  store: EventStore
  ledger: TargetLedger
}

export const openRuntime = (config: Config, clock: Clock = systemClock): Runtime => {
  mkdirSync(config.DATA_DIR, { recursive: true })
  const esdbUrl = config.STORE === 'esdb' ? config.EVENTSTORE_URL : undefined
  // Credentials in a connection string stay out of the logs.
  const location = esdbUrl?.replace(/\/\/[^@/]*@/, '//***@') ?? join(config.DATA_DIR, 'ledger.db')
  const store = esdbUrl ? createEsdbEventStore({ connectionString: esdbUrl }) : openSqliteEventStore({ file: location })
  const ledger = createTargetLedger({
    store,
    clock,
    timeZone: config.TIME_ZONE,
    thresholds: { onTrackGap: config.ON_TRACK_GAP, laggingGap: config.LAGGING_GAP },
  })
  return { location, store, ledger }
}
