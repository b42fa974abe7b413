// Opens what every command needs from the configuration: the store under DATA_DIR and the ledger on it.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../config.js'
import { openSqliteEventStore } from '../store/sqlite-event-store.js'
import type { EventStore } from '../store/event-store.js'
import { systemClock, type Clock } from './clock.js'
import { createTargetLedger, type TargetLedger } from './target-ledger.js'

export interface Runtime {
  file: string
  store: EventStore
  ledger: TargetLedger
}

export const openRuntime = (config: Config, clock: Clock = systemClock): Runtime => {
  mkdirSync(config.DATA_DIR, { recursive: true })
  const file = join(config.DATA_DIR, 'ledger.db')
  const store = openSqliteEventStore({ file })
  const ledger = createTargetLedger({
    store,
    clock,
    timeZone: config.TIME_ZONE,
    thresholds: { onTrackGap: config.ON_TRACK_GAP, laggingGap: config.LAGGING_GAP },
  })
  return { file, store, ledger }
}
