// The audit trail where the log lives in the read models' own database (the embedded SQLite store):
// a view over the store's `events` table with the columns of the `audit_trail` table, instead of a
// copy of every event. Replaying it costs nothing but moving its checkpoint, and it reads the same:
// the rows up to that checkpoint, one per target event, as the copy would hold them.
import { auditTrail } from '../../projections/audit-trail.js'
import { auditTrailColumns } from '../../projections/audit-trail-sql.js'
import type { SqlProjection } from '../../projections/projection.js'
import { targetStreamPrefix } from '../ledger/target-ledger.js'

const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`

/**
 * Every column as the copy computes it from the decoded event. Up to the checkpoint every event of a
 * target stream has been decoded by the projector (it stops at the first it cannot read), so the
 * JSON paths below exist where the schemas require them. `reason` is the data's own `reason`, which
 * only the types that carry one have (see `reasonOf`); `recorded_ms` is what Date.parse gives for
 * the ledger's instants (ISO 8601 with milliseconds and an offset or Z).
 */
const expressions: Record<(typeof auditTrailColumns)[number], string> = {
  position: 'e.position',
  stream_id: 'e.stream_id',
  target_id: `substr(e.stream_id, ${targetStreamPrefix.length + 1})`,
  revision: 'e.revision',
  type: 'e.type',
  actor_id: `e.metadata ->> '$.actor.id'`,
  actor_role: `e.metadata ->> '$.actor.role'`,
  recorded_at: `e.metadata ->> '$.recordedAt'`,
  recorded_ms: `CAST(round(unixepoch(e.metadata ->> '$.recordedAt', 'subsec') * 1000) AS INTEGER)`,
  correlation_id: `e.metadata ->> '$.correlationId'`,
  causation_id: `e.metadata ->> '$.causationId'`,
  idempotency_key: `e.metadata ->> '$.idempotencyKey'`,
  schema_version: `e.metadata ->> '$.schemaVersion'`,
  synthetic: `coalesce(e.metadata ->> '$.synthetic', 0)`,
  reason: `e.data ->> '$.reason'`,
  prev_hash: `e.metadata ->> '$.prevHash'`,
  hash: `e.metadata ->> '$.hash'`,
  data: 'e.data',
}

const view = `CREATE VIEW audit_trail AS
  SELECT ${auditTrailColumns.map((column) => `${expressions[column]} AS ${column}`).join(',\n    ')}
  FROM events AS e
  WHERE substr(e.stream_id, 1, ${targetStreamPrefix.length}) = ${quoted(targetStreamPrefix)}
    AND e.position <= (SELECT position FROM projection_checkpoints WHERE name = ${quoted(auditTrail.name)})`

/** Same name and version as the copy: a database holds one or the other, as its store dictates. */
export const auditTrailOverLog: SqlProjection = {
  name: auditTrail.name,
  version: auditTrail.version,
  // Nothing to apply: the checkpoint alone says how far the view reaches.
  handles: [],
  schema: [view],
  tables: ['audit_trail'],
  prepare() {
    return { batch: () => ({ apply() {}, flush() {} }) }
  },
}
