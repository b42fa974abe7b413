// The target summary's tables: one row per target (its head) and one per report, indexed so that the
// reports deciding any day are a few index lookups however long the history grows.
import type { IsoDate, ReportRecord, TargetKind } from '../domain/index.js'
import type { ProjectedEvent } from './projected-event.js'
import type { SqlDatabase, SqlProjection } from './projection.js'
import { evolveTargetSlice, reportIdOf, targetSummary, type ReportRow, type TargetHead } from './target-summary.js'

const schema = [
  `CREATE TABLE target_summary (
    target_id        TEXT    PRIMARY KEY,
    zone_id          TEXT    NOT NULL,
    chapter          TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    -- {status, original, revisions, closure} as JSON: a few kB at most.
    state            TEXT    NOT NULL,
    reports          INTEGER NOT NULL,
    pending          INTEGER NOT NULL,
    accepted         INTEGER NOT NULL,
    rejected         INTEGER NOT NULL,
    defined_at       INTEGER NOT NULL,
    revision         INTEGER NOT NULL,
    position         INTEGER NOT NULL,
    hash             TEXT    NOT NULL,
    last_recorded_at TEXT    NOT NULL
  ) STRICT`,
  `CREATE TABLE target_summary_reports (
    target_id    TEXT    NOT NULL,
    report_id    TEXT    NOT NULL,
    seq          INTEGER NOT NULL,
    as_of        TEXT    NOT NULL,
    value        REAL,
    stage        TEXT,
    verification TEXT    NOT NULL,
    -- The domain's ReportRecord as JSON, corrections and verdict included.
    record       TEXT    NOT NULL,
    PRIMARY KEY (target_id, report_id)
  ) STRICT`,
  // Partial indexes, one per basis: the latest counted report on a day is one descent whatever the
  // number of rejected or pending reports after it.
  `CREATE INDEX target_summary_reports_reported ON target_summary_reports (target_id, as_of, seq) WHERE verification <> 'rejected'`,
  `CREATE INDEX target_summary_reports_verified ON target_summary_reports (target_id, as_of, seq) WHERE verification = 'accepted'`,
]

interface HeadRow {
  target_id: string
  zone_id: string
  chapter: string
  kind: string
  state: string
  reports: bigint
  pending: bigint
  accepted: bigint
  rejected: bigint
  defined_at: bigint
  revision: bigint
  position: bigint
  hash: string
  last_recorded_at: string
}

interface ReportRowSql {
  target_id: string
  seq: bigint
  record: string
}

type HeadState = Pick<TargetHead, 'status' | 'original' | 'revisions' | 'closure'>

const toHead = (row: HeadRow): TargetHead => {
  const state = JSON.parse(row.state) as HeadState
  return {
    targetId: row.target_id,
    zoneId: row.zone_id,
    chapter: row.chapter,
    kind: row.kind as TargetKind,
    ...state,
    reportCounts: {
      total: Number(row.reports),
      pending: Number(row.pending),
      accepted: Number(row.accepted),
      rejected: Number(row.rejected),
    },
    definedAt: row.defined_at,
    revision: row.revision,
    position: row.position,
    hash: row.hash,
    lastRecordedAt: row.last_recorded_at,
  }
}

const toReportRow = (row: ReportRowSql): ReportRow => ({
  targetId: row.target_id,
  seq: row.seq,
  record: JSON.parse(row.record) as ReportRecord,
})

const headParams = (head: TargetHead) => {
  const state: HeadState = { status: head.status, original: head.original, revisions: head.revisions, closure: head.closure }
  const { total, pending, accepted, rejected } = head.reportCounts
  return [
    head.targetId,
    head.zoneId,
    head.chapter,
    head.kind,
    JSON.stringify(state),
    total,
    pending,
    accepted,
    rejected,
    head.definedAt,
    head.revision,
    head.position,
    head.hash,
    head.lastRecordedAt,
  ] as const
}

const reportParams = ({ targetId, seq, record }: ReportRow) =>
  [targetId, record.reportId, seq, record.asOf, record.value, record.stage, record.verification, JSON.stringify(record)] as const

const reportKey = (targetId: string, reportId: string): string => `${targetId}\u0000${reportId}`

/** Row reads shared by the writer and the read-model queries. */
export const targetSummaryReader = (db: SqlDatabase) => {
  const sql = {
    head: db.prepare('SELECT * FROM target_summary WHERE target_id = ?').safeIntegers(true),
    positions: db.prepare('SELECT target_id, position FROM target_summary ORDER BY defined_at').safeIntegers(true),
    schemaVersion: db.prepare('PRAGMA schema_version'),
    report: db
      .prepare('SELECT target_id, seq, record FROM target_summary_reports WHERE target_id = ? AND report_id = ?')
      .safeIntegers(true),
    reports: db.prepare('SELECT target_id, seq, record FROM target_summary_reports WHERE target_id = ? ORDER BY seq').safeIntegers(true),
    latestCounted: db.prepare(
      `SELECT seq, record FROM target_summary_reports
       WHERE target_id = ? AND verification <> 'rejected' AND as_of <= ? ORDER BY as_of DESC, seq DESC LIMIT 1`,
    ).safeIntegers(true),
    latestValue: {
      reported: db.prepare(
        `SELECT seq, record FROM target_summary_reports
         WHERE target_id = ? AND verification <> 'rejected' AND as_of <= ? AND value IS NOT NULL ORDER BY as_of DESC, seq DESC LIMIT 1`,
      ).safeIntegers(true),
      verified: db.prepare(
        `SELECT seq, record FROM target_summary_reports
         WHERE target_id = ? AND verification = 'accepted' AND as_of <= ? AND value IS NOT NULL ORDER BY as_of DESC, seq DESC LIMIT 1`,
      ).safeIntegers(true),
    },
    latestStage: {
      reported: db.prepare(
        `SELECT seq, record FROM target_summary_reports
         WHERE target_id = ? AND verification <> 'rejected' AND as_of <= ? AND stage IS NOT NULL ORDER BY as_of DESC, seq DESC LIMIT 1`,
      ).safeIntegers(true),
      verified: db.prepare(
        `SELECT seq, record FROM target_summary_reports
         WHERE target_id = ? AND verification = 'accepted' AND as_of <= ? AND stage IS NOT NULL ORDER BY as_of DESC, seq DESC LIMIT 1`,
      ).safeIntegers(true),
    },
    // SQLite returns the bare columns of the row holding min(seq).
    firstByStage: {
      reported: db.prepare(
        `SELECT min(seq) AS seq, record FROM target_summary_reports
         WHERE target_id = ? AND verification <> 'rejected' AND as_of <= ? AND stage IS NOT NULL GROUP BY stage`,
      ).safeIntegers(true),
      verified: db.prepare(
        `SELECT min(seq) AS seq, record FROM target_summary_reports
         WHERE target_id = ? AND verification = 'accepted' AND as_of <= ? AND stage IS NOT NULL GROUP BY stage`,
      ).safeIntegers(true),
    },
  }
  const head = (targetId: string): TargetHead | undefined => {
    const row = sql.head.get(targetId) as HeadRow | undefined
    return row === undefined ? undefined : toHead(row)
  }
  // Parsed heads, reused while a target's position stays put: most reads find most targets unchanged.
  // A rebuild drops the tables, which changes the schema version and empties the cache.
  const cache = new Map<string, TargetHead>()
  let cachedSchema: number | undefined
  return {
    head,
    /** Every target, in definition order. */
    heads: (): TargetHead[] => {
      const schema = (sql.schemaVersion.get() as { schema_version: number }).schema_version
      if (schema !== cachedSchema) {
        cache.clear()
        cachedSchema = schema
      }
      return (sql.positions.all() as { target_id: string; position: bigint }[]).flatMap(({ target_id: targetId, position }) => {
        const cached = cache.get(targetId)
        if (cached?.position === position) return [cached]
        const fresh = head(targetId)
        if (fresh === undefined) return []
        cache.set(targetId, fresh)
        return [fresh]
      })
    },
    report: (targetId: string, reportId: string): ReportRow | undefined => {
      const row = sql.report.get(targetId, reportId) as ReportRowSql | undefined
      return row === undefined ? undefined : toReportRow(row)
    },
    /** Every report of the target, in recording order. */
    reports: (targetId: string): ReportRecord[] =>
      (sql.reports.all(targetId) as ReportRowSql[]).map((row) => toReportRow(row).record),
    /** The SQL twin of `decidingReports`: the same reports, in recording order. */
    decidingReports: (head: TargetHead, asOf: IsoDate): ReportRecord[] => {
      const rows: { seq: bigint; record: string }[] = []
      const one = (row: unknown) => {
        if (row !== undefined) rows.push(row as { seq: bigint; record: string })
      }
      one(sql.latestCounted.get(head.targetId, asOf))
      if (head.kind === 'milestone') {
        for (const basis of ['reported', 'verified'] as const) {
          one(sql.latestStage[basis].get(head.targetId, asOf))
          for (const row of sql.firstByStage[basis].all(head.targetId, asOf)) one(row)
        }
      } else {
        one(sql.latestValue.reported.get(head.targetId, asOf))
        one(sql.latestValue.verified.get(head.targetId, asOf))
      }
      const bySeq = new Map(rows.map((row) => [row.seq, row.record]))
      return [...bySeq]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, record]) => JSON.parse(record) as ReportRecord)
    },
  }
}

export type TargetSummaryReader = ReturnType<typeof targetSummaryReader>

export const targetSummarySql: SqlProjection = {
  name: targetSummary.name,
  version: targetSummary.version,
  handles: targetSummary.handles,
  schema,
  tables: ['target_summary_reports', 'target_summary'],
  prepare(db) {
    const read = targetSummaryReader(db)
    const upsertHead = db.prepare(
      `INSERT INTO target_summary (target_id, zone_id, chapter, kind, state, reports, pending, accepted, rejected, defined_at, revision, position, hash, last_recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (target_id) DO UPDATE SET
         state = excluded.state, reports = excluded.reports, pending = excluded.pending, accepted = excluded.accepted,
         rejected = excluded.rejected, revision = excluded.revision, position = excluded.position, hash = excluded.hash,
         last_recorded_at = excluded.last_recorded_at`,
    )
    const upsertReport = db.prepare(
      `INSERT INTO target_summary_reports (target_id, report_id, seq, as_of, value, stage, verification, record)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (target_id, report_id) DO UPDATE SET
         as_of = excluded.as_of, value = excluded.value, stage = excluded.stage,
         verification = excluded.verification, record = excluded.record`,
    )
    return {
      // Rows a batch touches stay in memory until flush: a report and its verdict in one batch cost one write.
      batch() {
        const heads = new Map<string, TargetHead | null>()
        const reports = new Map<string, ReportRow | null>()
        const dirtyHeads = new Set<string>()
        const dirtyReports = new Set<string>()
        const headOf = (targetId: string): TargetHead | null => {
          if (!heads.has(targetId)) heads.set(targetId, read.head(targetId) ?? null)
          return heads.get(targetId)!
        }
        const reportOf = (targetId: string, reportId: string): ReportRow | null => {
          const key = reportKey(targetId, reportId)
          if (!reports.has(key)) reports.set(key, read.report(targetId, reportId) ?? null)
          return reports.get(key)!
        }
        return {
          apply(event: ProjectedEvent) {
            const reportId = reportIdOf(event.event)
            const slice = { head: headOf(event.targetId), report: reportId === null ? null : reportOf(event.targetId, reportId) }
            const next = evolveTargetSlice(slice, event)
            if (next.head !== slice.head) {
              heads.set(event.targetId, next.head)
              dirtyHeads.add(event.targetId)
            }
            if (reportId !== null && next.report !== slice.report) {
              const key = reportKey(event.targetId, reportId)
              reports.set(key, next.report)
              dirtyReports.add(key)
            }
          },
          flush() {
            for (const targetId of dirtyHeads) upsertHead.run(...headParams(heads.get(targetId)!))
            for (const key of dirtyReports) upsertReport.run(...reportParams(reports.get(key)!))
          },
        }
      },
    }
  },
}
