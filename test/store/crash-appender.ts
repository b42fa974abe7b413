// Child process of sqlite-crash.test.ts: appends from concurrent writers until killed, printing one JSON line per acknowledged append.
import { randomUUID } from 'node:crypto'
import { WrongExpectedRevision, type EventStore, type ExpectedRevision } from '../../src/store/event-store.js'
import { openSqliteEventStore } from '../../src/store/sqlite-event-store.js'

export interface Acknowledged {
  streamId: string
  ids: string[]
  /** Decimal strings: JSON has no bigint. */
  nextRevision: string
  position: string
}

export interface CrashEventData {
  batch: string
  index: number
  size: number
  padding: string
}

const STREAMS = 8
/** Two writers per stream: group commits then mix successes with revision conflicts. */
const WRITERS = 16

async function appendUntilKilled(store: EventStore, streamId: string): Promise<never> {
  let expected: ExpectedRevision = 'no_stream'
  for (;;) {
    const batch = randomUUID()
    const size = 1 + Math.floor(Math.random() * 5)
    const events = Array.from({ length: size }, (_, index) => {
      const data: CrashEventData = { batch, index, size, padding: 'x'.repeat(200) }
      return { id: randomUUID(), type: 'CrashTested', data: { ...data }, metadata: { writer: process.pid } }
    })
    try {
      const result = await store.append(streamId, events, { expectedRevision: expected })
      expected = result.nextRevision
      const acknowledged: Acknowledged = {
        streamId,
        ids: events.map((event) => event.id),
        nextRevision: String(result.nextRevision),
        position: String(result.position),
      }
      process.stdout.write(`${JSON.stringify(acknowledged)}\n`)
    } catch (error) {
      if (!(error instanceof WrongExpectedRevision)) throw error
      expected = error.actual
    }
  }
}

const file = process.argv[2]
// tap runs every file under test/ as a test; started that way, without a database path, it does nothing.
if (file !== undefined) {
  const store = openSqliteEventStore({ file })
  await Promise.all(Array.from({ length: WRITERS }, (_, writer) => appendUntilKilled(store, `crash-${writer % STREAMS}`)))
}
