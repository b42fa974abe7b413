// The target summary's tables: one row per target (its head) and one per report, indexed so that the
// reports deciding any day are a few index lookups however long the history grows.
import type { IsoDate, ReportRecord, TargetKind } from '../domain/index.js'
import type { ProjectedEvent } from './projected-event.js'
import type { SqlDatabase, SqlProjection } from './projection.js'
import { ReportIdIndex } from './report-id-index.js'
import { evolveTargetSlice, reportIdOf, targetSummary, type ReportRow, type TargetHead } from './target-summary.js'

const schema = [
  `CREATE TABLE target_summary (
    target_id        TEXT    PRIMARY KEY,
    zone_id          TEXT    NOT NULL,
    chapter          TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    -- JSON; NULL while the target is open.
    closure          TEXT,
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
  // What changes only with TargetDefined and TargetRevised, in a row of its own: a report rewrites the
  // small row above, not a definition whose revisions may list hundreds of stages.
  `CREATE TABLE target_summary_definitions (
    target_id TEXT PRIMARY KEY,
    -- JSON: the definition as first recorded, and the revisions in recording order.
    original  TEXT NOT NULL,
    revisions TEXT NOT NULL
  ) STRICT`,
  // A report row is keyed by its place in the log (the position of its ProgressReported), so rows are
  // appended in key order; its id, random as the write API mints them, has no index of its own: the
  // writer finds a row by id through ReportIdIndex, loaded from the index below. A row names its
  // target by the target's `defined_at`, a small integer instead of an id of some 30 characters.
  `CREATE TABLE target_summary_reports (
    seq           INTEGER PRIMARY KEY,
    target_key    INTEGER NOT NULL,
    report_id     TEXT    NOT NULL,
    as_of         TEXT    NOT NULL,
    value         REAL,
    stage         TEXT,
    verification  TEXT    NOT NULL,
    -- The rest of the domain's ReportRecord (see reportOfRow), a column per field rather than one JSON
    -- record: no keys or duplicated columns written per row, and JSON only where a report has a list
    -- or a verdict (NULL for none, which most reports have).
    note          TEXT,
    reason        TEXT,
    reported_by   TEXT    NOT NULL,
    reported_role TEXT    NOT NULL,
    reported_at   TEXT    NOT NULL,
    evidence      TEXT,
    verdict       TEXT,
    corrections   TEXT
  ) STRICT`,
  // A target's reports in recording order, with their ids (covering: the id index loads from it alone).
  `CREATE INDEX target_summary_reports_ids ON target_summary_reports (target_key, seq, report_id)`,
  // Partial indexes, one per basis: the latest counted report on a day is one descent whatever the
  // number of rejected or pending reports after it.
  `CREATE INDEX target_summary_reports_reported ON target_summary_reports (target_key, as_of, seq) WHERE verification <> 'rejected'`,
  `CREATE INDEX target_summary_reports_verified ON target_summary_reports (target_key, as_of, seq) WHERE verification = 'accepted'`,
  // Milestone reports by stage: the first report of each stage is one descent per stage reported.
  `CREATE INDEX target_summary_reports_stages ON target_summary_reports (target_key, stage, seq)
     WHERE stage IS NOT NULL AND verification <> 'rejected'`,
]

interface HeadRow {
  target_id: string
  zone_id: string
  chapter: string
  kind: string
  status: string
  closure: string | null
  original: string
  revisions: string
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
  report_id: string
  seq: bigint
  as_of: string
  value: number | null
  stage: string | null
  verification: string
  note: string | null
  reason: string | null
  reported_by: string
  reported_role: string
  reported_at: string
  evidence: string | null
  verdict: string | null
  corrections: string | null
}

/** The columns a report is read back from. */
const reportColumns =
  'report_id, seq, as_of, value, stage, verification, note, reason, reported_by, reported_role, reported_at, evidence, verdict, corrections'

const toHead = (row: HeadRow): TargetHead => {
  return {
    targetId: row.target_id,
    zoneId: row.zone_id,
    chapter: row.chapter,
    kind: row.kind as TargetKind,
    status: row.status as TargetHead['status'],
    original: JSON.parse(row.original) as TargetHead['original'],
    revisions: JSON.parse(row.revisions) as TargetHead['revisions'],
    closure: row.closure === null ? null : (JSON.parse(row.closure) as TargetHead['closure']),
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

/** The ReportRecord of a row, its fields in the order the domain's evolve gives them. */
const reportOfRow = (row: ReportRowSql): ReportRecord => ({
  reportId: row.report_id,
  asOf: row.as_of,
  value: row.value,
  stage: row.stage,
  note: row.note,
  evidence: row.evidence === null ? [] : (JSON.parse(row.evidence) as ReportRecord['evidence']),
  reason: row.reason,
  verification: row.verification as ReportRecord['verification'],
  verdict: row.verdict === null ? null : (JSON.parse(row.verdict) as ReportRecord['verdict']),
  reportedBy: { id: row.reported_by, role: row.reported_role as ReportRecord['reportedBy']['role'] },
  reportedAt: row.reported_at,
  corrections: row.corrections === null ? [] : (JSON.parse(row.corrections) as ReportRecord['corrections']),
})

const headParams = (head: TargetHead) => {
  const { total, pending, accepted, rejected } = head.reportCounts
  return [
    head.targetId,
    head.zoneId,
    head.chapter,
    head.kind,
    head.status,
    head.closure === null ? null : JSON.stringify(head.closure),
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

/** An empty list or no verdict is NULL: no JSON to write or parse for most reports. */
const jsonOrNull = (value: object | null): string | null =>
  value === null || (Array.isArray(value) && value.length === 0) ? null : JSON.stringify(value)

const reportParams = (targetKey: bigint, { seq, record }: ReportRow) =>
  [
    targetKey,
    record.reportId,
    seq,
    record.asOf,
    record.value,
    record.stage,
    record.verification,
    record.note,
    record.reason,
    record.reportedBy.id,
    record.reportedBy.role,
    record.reportedAt,
    jsonOrNull(record.evidence),
    jsonOrNull(record.verdict),
    jsonOrNull(record.corrections),
  ] as const

const reportKey = (targetId: string, reportId: string): string => `${targetId}\u0000${reportId}`

/** Heads kept between batches: every target of a report's catalog, many times over. */
const maxCachedHeads = 10_000

/**
 * A map that keeps at least the `limit / 2` most recently used entries and at most `limit`: two
 * generations, the older dropped whole when the younger fills up (cheaper than a strict LRU, whose
 * delete-the-oldest makes V8's ordered maps skip ever more holes).
 */
class RecentRows<T> {
  #young = new Map<string, T>()
  #old = new Map<string, T>()
  constructor(readonly limit: number) {}
  get(key: string): T | undefined {
    const young = this.#young.get(key)
    if (young !== undefined) return young
    const old = this.#old.get(key)
    if (old !== undefined) this.set(key, old)
    return old
  }
  set(key: string, row: T): void {
    this.#young.set(key, row)
    if (this.#young.size >= this.limit / 2) {
      this.#old = this.#young
      this.#young = new Map()
    }
  }
}

/**
 * Per stage reported, the first report (least seq) naming it that counts on the basis `counts` and
 * is effective on or before the day: the stages are walked one index descent each (SQLite has no
 * skip scan of its own), so the cost follows the number of stages, not of reports. INDEXED BY: left
 * to itself the planner reads every report up to the day through the date index and sorts them.
 */
const firstByStage = (db: SqlDatabase, counts: string) =>
  db
    .prepare(
      `WITH RECURSIVE stages (stage) AS (
         SELECT min(stage) FROM target_summary_reports
         WHERE target_key = @key AND stage IS NOT NULL AND verification <> 'rejected'
         UNION ALL
         SELECT (SELECT min(stage) FROM target_summary_reports
                 WHERE target_key = @key AND stage IS NOT NULL AND verification <> 'rejected' AND stage > stages.stage)
         FROM stages WHERE stages.stage IS NOT NULL
       ),
       firsts (id) AS (
         SELECT (SELECT rowid FROM target_summary_reports INDEXED BY target_summary_reports_stages
                 WHERE target_key = @key AND stage IS NOT NULL AND verification <> 'rejected' AND stage = stages.stage
                   AND ${counts} AND as_of <= @asOf
                 ORDER BY seq LIMIT 1)
         FROM stages WHERE stages.stage IS NOT NULL
       )
       SELECT ${reportColumns} FROM target_summary_reports WHERE rowid IN (SELECT id FROM firsts)`,
    )
    .safeIntegers(true)

/** Row reads shared by the writer and the read-model queries. */
export const targetSummaryReader = (db: SqlDatabase) => {
  const sql = {
    head: db
      .prepare(
        `SELECT target_summary.*, original, revisions
           FROM target_summary JOIN target_summary_definitions USING (target_id) WHERE target_id = ?`,
      )
      .safeIntegers(true),
    positions: db.prepare('SELECT target_id, position FROM target_summary ORDER BY defined_at').safeIntegers(true),
    schemaVersion: db.prepare('PRAGMA schema_version'),
    reports: db
      .prepare(`SELECT ${reportColumns} FROM target_summary_reports INDEXED BY target_summary_reports_ids WHERE target_key = ? ORDER BY seq`)
      .safeIntegers(true),
    latestCounted: db.prepare(
      `SELECT ${reportColumns} FROM target_summary_reports
       WHERE target_key = ? AND verification <> 'rejected' AND as_of <= ? ORDER BY as_of DESC, seq DESC LIMIT 1`,
    ).safeIntegers(true),
    latestValue: {
      reported: db.prepare(
        `SELECT ${reportColumns} FROM target_summary_reports
         WHERE target_key = ? AND verification <> 'rejected' AND as_of <= ? AND value IS NOT NULL ORDER BY as_of DESC, seq DESC LIMIT 1`,
      ).safeIntegers(true),
      verified: db.prepare(
        `SELECT ${reportColumns} FROM target_summary_reports
         WHERE target_key = ? AND verification = 'accepted' AND as_of <= ? AND value IS NOT NULL ORDER BY as_of DESC, seq DESC LIMIT 1`,
      ).safeIntegers(true),
    },
    latestStage: {
      reported: db.prepare(
        `SELECT ${reportColumns} FROM target_summary_reports
         WHERE target_key = ? AND verification <> 'rejected' AND as_of <= ? AND stage IS NOT NULL ORDER BY as_of DESC, seq DESC LIMIT 1`,
      ).safeIntegers(true),
      verified: db.prepare(
        `SELECT ${reportColumns} FROM target_summary_reports
         WHERE target_key = ? AND verification = 'accepted' AND as_of <= ? AND stage IS NOT NULL ORDER BY as_of DESC, seq DESC LIMIT 1`,
      ).safeIntegers(true),
    },
    firstByStage: {
      reported: firstByStage(db, `verification <> 'rejected'`),
      verified: firstByStage(db, `verification = 'accepted'`),
    },
  }
  const head = (targetId: string): TargetHead | undefined => {
    const row = sql.head.get(targetId) as HeadRow | undefined
    return row === undefined ? undefined : toHead(row)
  }
  // Parsed heads, reused while a target's position stays put: most reads find most targets unchanged.
  // A rebuild drops the tables, which changes the schema version and empties the cache.
  const cache = new Map<string, TargetHead>()
  // The reports deciding the day last asked about, per target, reused while its position stays put:
  // reads ask about today again and again, so a long history costs its index lookups once per write.
  const deciding = new Map<string, { position: bigint; asOf: IsoDate; reports: readonly ReportRecord[] }>()
  let cachedSchema: number | undefined
  return {
    head,
    /** Every target, in definition order. */
    heads: (): TargetHead[] => {
      const schema = (sql.schemaVersion.get() as { schema_version: number }).schema_version
      if (schema !== cachedSchema) {
        cache.clear()
        deciding.clear()
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
    /** Every report of the target, in recording order. */
    reports: (head: TargetHead): ReportRecord[] => (sql.reports.all(head.definedAt) as ReportRowSql[]).map(reportOfRow),
    /** The SQL twin of `decidingReports`: the same reports, in recording order. */
    decidingReports: (head: TargetHead, asOf: IsoDate): ReportRecord[] => {
      const cached = deciding.get(head.targetId)
      if (cached !== undefined && cached.position === head.position && cached.asOf === asOf) return [...cached.reports]
      const key = head.definedAt
      const rows = new Map<bigint, ReportRowSql>()
      const one = (row: unknown) => {
        if (row !== undefined) rows.set((row as ReportRowSql).seq, row as ReportRowSql)
      }
      one(sql.latestCounted.get(key, asOf))
      if (head.kind === 'milestone') {
        for (const basis of ['reported', 'verified'] as const) {
          one(sql.latestStage[basis].get(key, asOf))
          for (const row of sql.firstByStage[basis].all({ key, asOf })) one(row)
        }
      } else {
        one(sql.latestValue.reported.get(key, asOf))
        one(sql.latestValue.verified.get(key, asOf))
      }
      const reports = Object.freeze(
        [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => reportOfRow(row)),
      )
      deciding.set(head.targetId, { position: head.position, asOf, reports })
      return [...reports]
    },
  }
}

export type TargetSummaryReader = ReturnType<typeof targetSummaryReader>

export const targetSummarySql: SqlProjection = {
  name: targetSummary.name,
  version: targetSummary.version,
  handles: targetSummary.handles,
  schema,
  tables: ['target_summary_reports', 'target_summary_definitions', 'target_summary'],
  prepare(db) {
    const read = targetSummaryReader(db)
    const upsertHead = db.prepare(
      `INSERT INTO target_summary (target_id, zone_id, chapter, kind, status, closure, reports, pending, accepted, rejected, defined_at, revision, position, hash, last_recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (target_id) DO UPDATE SET
         status = excluded.status, closure = excluded.closure, reports = excluded.reports, pending = excluded.pending, accepted = excluded.accepted,
         rejected = excluded.rejected, revision = excluded.revision, position = excluded.position, hash = excluded.hash,
         last_recorded_at = excluded.last_recorded_at`,
    )
    const upsertDefinition = db.prepare(
      `INSERT INTO target_summary_definitions (target_id, original, revisions) VALUES (?, ?, ?)
       ON CONFLICT (target_id) DO UPDATE SET original = excluded.original, revisions = excluded.revisions`,
    )
    const upsertReport = db.prepare(
      `INSERT INTO target_summary_reports (target_key, ${reportColumns})
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (seq) DO UPDATE SET
         as_of = excluded.as_of, value = excluded.value, stage = excluded.stage, verification = excluded.verification,
         note = excluded.note, reason = excluded.reason, reported_by = excluded.reported_by,
         reported_role = excluded.reported_role, reported_at = excluded.reported_at, evidence = excluded.evidence,
         verdict = excluded.verdict, corrections = excluded.corrections`,
    )
    const reportAt = db.prepare(`SELECT target_key, ${reportColumns} FROM target_summary_reports WHERE seq = ?`).safeIntegers(true)
    const idsOf = db
      .prepare('SELECT seq, report_id FROM target_summary_reports INDEXED BY target_summary_reports_ids WHERE target_key = ?')
      .safeIntegers(true)
    // Heads as last committed, kept between batches: a replay reads each head once rather than once
    // per batch. Reports are not: most are new, and keeping them cost more than the lookups they save.
    const committedHeads = new RecentRows<TargetHead | null>(maxCachedHeads)
    // Report ids as last committed, by target key: a new report (most events) is known to be new
    // without reading a row, and a verdict or correction reads only its report's row.
    const committedIds = new ReportIdIndex<bigint>((targetKey) =>
      (idsOf.all(targetKey) as { seq: bigint; report_id: string }[]).map(({ seq, report_id: reportId }) => [seq, reportId] as const),
    )
    const committedReport = (head: TargetHead, reportId: string): ReportRow | null => {
      for (const seq of committedIds.candidates(head.definedAt, reportId)) {
        const row = reportAt.get(seq) as (ReportRowSql & { target_key: bigint }) | undefined
        if (row !== undefined && row.target_key === head.definedAt && row.report_id === reportId) {
          return { targetId: head.targetId, seq: row.seq, record: reportOfRow(row) }
        }
      }
      return null
    }
    return {
      // Rows a batch touches stay in memory until flush: a report and its verdict in one batch cost one write.
      batch() {
        const heads = new Map<string, TargetHead | null>()
        const reports = new Map<string, ReportRow | null>()
        const dirtyHeads = new Set<string>()
        // Heads whose definition or revisions changed (evolve keeps them by reference otherwise).
        const dirtyDefinitions = new Set<string>()
        const dirtyReports = new Set<string>()
        // Reports first recorded in this batch, for the id index once committed.
        const newReports: ReportRow[] = []
        const headOf = (targetId: string): TargetHead | null => {
          let head = heads.get(targetId)
          if (head === undefined) {
            head = committedHeads.get(targetId)
            if (head === undefined) head = read.head(targetId) ?? null
            heads.set(targetId, head)
          }
          return head
        }
        const reportOf = (key: string, head: TargetHead | null, reportId: string): ReportRow | null => {
          let report = reports.get(key)
          if (report === undefined) {
            // No head, no report: events before a definition change nothing.
            report = head === null ? null : committedReport(head, reportId)
            reports.set(key, report)
          }
          return report
        }
        return {
          apply(event: ProjectedEvent) {
            const reportId = reportIdOf(event.event)
            const key = reportId === null ? null : reportKey(event.targetId, reportId)
            const head = headOf(event.targetId)
            const slice = { head, report: key === null ? null : reportOf(key, head, reportId!) }
            const next = evolveTargetSlice(slice, event)
            if (next.head !== slice.head) {
              heads.set(event.targetId, next.head)
              dirtyHeads.add(event.targetId)
              if (next.head !== null && (next.head.original !== slice.head?.original || next.head.revisions !== slice.head.revisions)) {
                dirtyDefinitions.add(event.targetId)
              }
            }
            if (key !== null && next.report !== slice.report) {
              reports.set(key, next.report)
              dirtyReports.add(key)
              if (slice.report === null && next.report !== null) newReports.push(next.report)
            }
          },
          flush() {
            for (const targetId of dirtyHeads) upsertHead.run(...headParams(heads.get(targetId)!))
            for (const targetId of dirtyDefinitions) {
              const { original, revisions } = heads.get(targetId)!
              upsertDefinition.run(targetId, JSON.stringify(original), JSON.stringify(revisions))
            }
            for (const key of dirtyReports) {
              const report = reports.get(key)!
              upsertReport.run(...reportParams(heads.get(report.targetId)!.definedAt, report))
            }
          },
          committed() {
            for (const [targetId, head] of heads) committedHeads.set(targetId, head)
            for (const { targetId, seq, record } of newReports) committedIds.add(heads.get(targetId)!.definedAt, record.reportId, seq)
          },
        }
      },
    }
  },
}
