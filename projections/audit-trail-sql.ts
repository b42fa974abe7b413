// The audit trail's table: append-only, keyed by global position, indexed per target.
import { instantMs, type Instant, type Role } from '../domain/index.js'
import { auditEntryOf, auditTrail, type AuditEntry } from './audit-trail.js'
import type { ProjectedEvent } from './projected-event.js'
import type { SqlDatabase, SqlProjection } from './projection.js'

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
    reason          TEXT,
    prev_hash       TEXT    NOT NULL,
    hash            TEXT    NOT NULL,
    data            TEXT    NOT NULL
  ) STRICT`,
  'CREATE INDEX audit_trail_target ON audit_trail (target_id, position)',
]

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
  reason: row.reason,
  prevHash: row.prev_hash,
  hash: row.hash,
  data: JSON.parse(row.data) as AuditEntry['data'],
})

const columns =
  'position, stream_id, target_id, revision, type, actor_id, actor_role, recorded_at, correlation_id, causation_id, idempotency_key, schema_version, reason, prev_hash, hash, data'

/** Far beyond any instant: "known at" no limit. */
const NO_LIMIT_MS = 8.64e15

export interface AuditPageOptions {
  /** Exclusive cursor: entries at greater positions. */
  after: bigint
  limit: number
  /** Only entries recorded at or before this instant. */
  knownAt?: Instant
}

export const auditTrailReader = (db: SqlDatabase) => {
  const sql = {
    all: db.prepare(`SELECT ${columns} FROM audit_trail WHERE position > ? AND recorded_ms <= ? ORDER BY position LIMIT ?`).safeIntegers(true),
    target: db
      .prepare(
        `SELECT ${columns} FROM audit_trail WHERE target_id = ? AND position > ? AND recorded_ms <= ? ORDER BY position LIMIT ?`,
      )
      .safeIntegers(true),
    hasTarget: db.prepare('SELECT 1 FROM audit_trail WHERE target_id = ? LIMIT 1'),
  }
  const knownMs = (knownAt: Instant | undefined) => (knownAt === undefined ? NO_LIMIT_MS : instantMs(knownAt))
  return {
    /** The global feed, in position order. */
    entries: ({ after, limit, knownAt }: AuditPageOptions): AuditEntry[] =>
      (sql.all.all(after, knownMs(knownAt), limit) as AuditRow[]).map(toEntry),
    /** One target's events, in stream order. */
    targetEntries: (targetId: string, { after, limit, knownAt }: AuditPageOptions): AuditEntry[] =>
      (sql.target.all(targetId, after, knownMs(knownAt), limit) as AuditRow[]).map(toEntry),
    hasTarget: (targetId: string): boolean => sql.hasTarget.get(targetId) !== undefined,
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
    const insert = db.prepare(`INSERT INTO audit_trail (${columns}, recorded_ms) VALUES (${Array(17).fill('?').join(', ')})`)
    return {
      batch() {
        return {
          // Append-only, so nothing to keep: each event is written as it comes, inside the batch's transaction.
          apply(event: ProjectedEvent) {
            const entry = auditEntryOf(event)
            insert.run(
              entry.position,
              entry.streamId,
              entry.targetId,
              entry.revision,
              entry.type,
              entry.actor.id,
              entry.actor.role,
              entry.recordedAt,
              entry.correlationId,
              entry.causationId,
              entry.idempotencyKey,
              entry.schemaVersion,
              entry.reason,
              entry.prevHash,
              entry.hash,
              JSON.stringify(entry.data),
              instantMs(entry.recordedAt),
            )
          },
          flush() {},
        }
      },
    }
  },
}
