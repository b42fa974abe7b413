// The audit trail's table: append-only, keyed by global position, indexed per stream. Where the log
// itself lives in the same database (the embedded store), src/projector/ serves these same columns
// as a view over the log instead of copying every event.
import { instantMs, type Instant, type Role } from '../domain/index.js'
import { auditTrail, reasonOf, type AuditEntry } from './audit-trail.js'
import type { ProjectedEvent } from './projected-event.js'
import type { SqlDatabase, SqlProjection, SqlStatement, SqlValue } from './projection.js'

const schema = [
  `CREATE TABLE audit_trail (
    position        INTEGER PRIMARY KEY,
    stream_id       TEXT    NOT NULL,
    target_id       TEXT    NOT NULL,
    revision        INTEGER NOT NULL,
    type            TEXT    NOT NULL,
    actor_id        TEXT    NOT NULL,
    actor_role      TEXT    NOT NULL,
    recorded_at     TEXT    NOT NULL,
    -- recorded_at in ms since the epoch: instants with offsets compare correctly.
    recorded_ms     INTEGER NOT NULL,
    correlation_id  TEXT    NOT NULL,
    causation_id    TEXT,
    idempotency_key TEXT,
    schema_version  INTEGER NOT NULL,
    -- 1 for made-up demo data (metadata.synthetic), else 0.
    synthetic       INTEGER NOT NULL,
    reason          TEXT,
    prev_hash       TEXT    NOT NULL,
    hash            TEXT    NOT NULL,
    data            TEXT    NOT NULL
  ) STRICT`,
  // By stream and revision, as the log indexes its events: a target's history reads the same way from
  // this table and from the view over the log.
  'CREATE INDEX audit_trail_stream ON audit_trail (stream_id, revision)',
]

/** The columns of `audit_trail`, in table order: a view standing in for the table has the same. */
export const auditTrailColumns = [
  'position',
  'stream_id',
  'target_id',
  'revision',
  'type',
  'actor_id',
  'actor_role',
  'recorded_at',
  'recorded_ms',
  'correlation_id',
  'causation_id',
  'idempotency_key',
  'schema_version',
  'synthetic',
  'reason',
  'prev_hash',
  'hash',
  'data',
] as const

interface AuditRow {
  position: bigint
  stream_id: string
  target_id: string
  revision: bigint
  type: string
  actor_id: string
  actor_role: string
  recorded_at: string
  correlation_id: string
  causation_id: string | null
  idempotency_key: string | null
  schema_version: bigint
  synthetic: bigint
  reason: string | null
  prev_hash: string
  hash: string
  data: string
}

const toEntry = (row: AuditRow): AuditEntry => ({
  position: row.position,
  streamId: row.stream_id,
  targetId: row.target_id,
  revision: row.revision,
  type: row.type as AuditEntry['type'],
  actor: { id: row.actor_id, role: row.actor_role as Role },
  recordedAt: row.recorded_at,
  correlationId: row.correlation_id,
  causationId: row.causation_id,
  idempotencyKey: row.idempotency_key,
  schemaVersion: Number(row.schema_version),
  synthetic: row.synthetic === 1n,
  reason: row.reason,
  prevHash: row.prev_hash,
  hash: row.hash,
  data: JSON.parse(row.data) as AuditEntry['data'],
})

const columns = auditTrailColumns.filter((column) => column !== 'recorded_ms').join(', ')

/** Far beyond any instant: "known at" no limit. */
const NO_LIMIT_MS = 8.64e15

export interface AuditPageOptions {
  /** Exclusive cursor: entries at greater positions. */
  after: bigint
  limit: number
  /** Only entries recorded at or before this instant. */
  knownAt?: Instant
}

/**
 * How many entries past the cursor one `knownAt` page looks at, at most. The log is in position
 * order, not recorded order, so nothing bounds where the next entry recorded by `knownAt` is: without
 * a window, an early instant would scan the whole log in one synchronous query (a second per million
 * events, during which the server answers nobody). A page may then hold fewer entries than its limit,
 * or none, and still have a `next`.
 */
export const AUDIT_SCAN_WINDOW = 10_000

export interface AuditSlice {
  entries: AuditEntry[]
  /** The cursor to go on from (exclusive): the last entry of a full page, or where a window ended; null at the end. */
  next: bigint | null
}

export const auditTrailReader = (db: SqlDatabase, { scanWindow = AUDIT_SCAN_WINDOW }: { scanWindow?: number } = {}) => {
  // The window picks positions only (the view computes a column only where it is read), and the page
  // reads whole entries for those it keeps. SQLite runs the window as a co-routine: a page that
  // fills early stops reading it.
  const windowed = (where: string, order: string) =>
    db
      .prepare(
        `SELECT ${columns} FROM audit_trail WHERE position IN (
           SELECT position FROM (SELECT position, recorded_ms FROM audit_trail WHERE ${where} ORDER BY ${order} LIMIT @window)
           WHERE recorded_ms <= @knownMs LIMIT @limit)
         ORDER BY ${order}`,
      )
      .safeIntegers(true)
  const windowEnd = (where: string, order: string) =>
    db.prepare(`SELECT position FROM audit_trail WHERE ${where} ORDER BY ${order} LIMIT 1 OFFSET @window - 1`).safeIntegers(true)
  const everything = 'position > @after'
  // Revision order is position order within a stream, and the order both indexes keep.
  const ofStream = 'stream_id = @streamId AND position > @after'
  const sql = {
    all: windowed(everything, 'position'),
    allEnd: windowEnd(everything, 'position'),
    stream: windowed(ofStream, 'revision'),
    streamEnd: windowEnd(ofStream, 'revision'),
    hasStream: db.prepare('SELECT 1 FROM audit_trail WHERE stream_id = ? LIMIT 1'),
  }
  const slice = (
    rows: SqlStatement,
    end: SqlStatement,
    { after, limit, knownAt }: AuditPageOptions,
    streamId?: string,
  ): AuditSlice => {
    const where = { after, ...(streamId === undefined ? {} : { streamId }) }
    // Without knownAt every entry in the window counts, so a window of `limit` entries fills the page.
    const window = knownAt === undefined ? limit : Math.max(scanWindow, 1)
    const entries = (rows.all({ ...where, window, limit, knownMs: knownAt === undefined ? NO_LIMIT_MS : instantMs(knownAt) }) as AuditRow[]).map(toEntry)
    if (limit > 0 && entries.length === limit) return { entries, next: entries[limit - 1]!.position }
    if (knownAt === undefined || limit === 0) return { entries, next: null }
    return { entries, next: (end.get({ ...where, window }) as { position: bigint } | undefined)?.position ?? null }
  }
  return {
    /** The global feed, in position order. */
    entries: (options: AuditPageOptions): AuditSlice => slice(sql.all, sql.allEnd, options),
    /** One target's events (its stream's), in stream order. */
    streamEntries: (streamId: string, options: AuditPageOptions): AuditSlice => slice(sql.stream, sql.streamEnd, options, streamId),
    hasStream: (streamId: string): boolean => sql.hasStream.get(streamId) !== undefined,
  }
}

export type AuditTrailReader = ReturnType<typeof auditTrailReader>

export const auditTrailSql: SqlProjection = {
  name: auditTrail.name,
  version: auditTrail.version,
  handles: auditTrail.handles,
  schema,
  tables: ['audit_trail'],
  prepare(db) {
    const insert = db.prepare(`INSERT INTO audit_trail (${columns}, recorded_ms) VALUES (${auditTrailColumns.map(() => '?').join(', ')})`)
    return {
      batch() {
        const rows: SqlValue[][] = []
        return {
          // Append-only, so nothing to read: each event's row, its columns taken straight from the
          // event (no entry object in between), waits for the batch's transaction.
          apply(projected: ProjectedEvent) {
            const { event } = projected
            const { actor, recordedAt } = event.context
            rows.push([
              projected.position,
              projected.streamId,
              projected.targetId,
              projected.revision,
              event.type,
              actor.id,
              actor.role,
              recordedAt,
              projected.correlationId,
              projected.causationId,
              projected.idempotencyKey,
              projected.schemaVersion,
              projected.synthetic ? 1 : 0,
              reasonOf(event),
              projected.prevHash,
              projected.hash,
              JSON.stringify(projected.storedData ?? event.data),
              instantMs(recordedAt),
            ])
          },
          flush() {
            for (const row of rows) insert.run(...row)
          },
        }
      },
    }
  },
}
