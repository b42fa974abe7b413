// The CSV exports of the zone ranking and the targets (DESIGN §5), for `GET /v1/exports/*.csv` and
// `target-ledger export`: UTF-8 with a byte-order mark and CRLF line ends so Excel opens them as they
// are, every header in Chinese and English, completions as fractions (0.5 = 50%).
import { stringify } from 'csv-stringify/sync'
import { targetStatuses } from '../../domain/status.js'
import { goalOf } from '../../projections/target-timeline.js'
import type { TargetSummary } from '../../projections/target-summary.js'
import type { GroupView } from '../projector/read-model-queries.js'

type Cell = string | number | boolean | null
interface Column<T> {
  header: string
  value: (row: T) => Cell
}

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe
 * (OWASP "CSV injection"); numbers are left as numbers.
 */
const safe = (cell: Cell): Cell => (typeof cell === 'string' && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell)

const toCsv = <T>(rows: readonly T[], columns: readonly Column<T>[]): string =>
  stringify(
    rows.map((row) => columns.map((column) => safe(column.value(row)))),
    {
      bom: true,
      record_delimiter: 'windows',
      header: true,
      columns: columns.map((column, index) => ({ key: String(index), header: column.header })),
      cast: { boolean: (value) => (value ? 'true' : 'false') },
    },
  )

const statusColumns = <T extends { counts: Record<(typeof targetStatuses)[number], number> }>(): Column<T>[] =>
  targetStatuses.map((status) => ({ header: `${statusNames[status]} ${status}`, value: (row: T) => row.counts[status] }))

const statusNames: Record<(typeof targetStatuses)[number], string> = {
  achieved: '已完成',
  on_track: '正常',
  lagging: '滞后',
  behind: '严重滞后',
  met: '达标',
  breached: '超限',
  closed: '已关闭',
}

export const zoneColumns: readonly Column<GroupView>[] = [
  { header: '排名 rank', value: (zone) => zone.rank },
  { header: '区域编号 zone_id', value: (zone) => zone.groupId },
  { header: '区域 name_zh', value: (zone) => zone.name?.zh ?? null },
  { header: 'zone name_en', value: (zone) => zone.name?.en ?? null },
  { header: '完成率 completion', value: (zone) => zone.completion },
  { header: '核实完成率 verified_completion', value: (zone) => zone.verifiedCompletion },
  { header: '序时进度 expected', value: (zone) => zone.expected },
  { header: '目标数 targets', value: (zone) => zone.targets },
  { header: '已取消 cancelled', value: (zone) => zone.cancelled },
  ...statusColumns<GroupView>(),
]

export const targetColumns: readonly Column<TargetSummary>[] = [
  { header: '目标编号 target_id', value: (t) => t.id },
  { header: '目标 title_zh', value: (t) => t.definition.title.zh },
  { header: 'target title_en', value: (t) => t.definition.title.en },
  { header: '区域编号 zone_id', value: (t) => t.definition.zoneId },
  { header: '章节 chapter', value: (t) => t.definition.chapter },
  { header: '类型 kind', value: (t) => t.definition.kind },
  { header: '单位 unit', value: (t) => t.definition.unit },
  { header: '目标值 goal', value: (t) => goalOf(t.definition) },
  { header: '权重 weight', value: (t) => t.definition.weight },
  { header: '上报值 reported_value', value: (t) => t.reported.value },
  { header: '完成率 completion', value: (t) => t.reported.completion },
  { header: '核实值 verified_value', value: (t) => t.verified.value },
  { header: '核实完成率 verified_completion', value: (t) => t.verified.completion },
  { header: '序时进度 expected', value: (t) => t.expected },
  { header: '差距 gap', value: (t) => t.gap },
  { header: '状态 status', value: (t) => t.status },
  { header: '信号灯 light', value: (t) => t.light },
  { header: '未上报 unreported', value: (t) => t.unreported },
  { header: '逾期 overdue', value: (t) => t.overdue },
  { header: '最新上报日期 latest_report_as_of', value: (t) => t.latestReport?.asOf ?? null },
  { header: '结果 outcome', value: (t) => t.outcome },
  { header: '版本 revision', value: (t) => t.revision },
]

export const zonesCsv = (zones: readonly GroupView[]): string => toCsv(zones, zoneColumns)
export const targetsCsv = (targets: readonly TargetSummary[]): string => toCsv(targets, targetColumns)
