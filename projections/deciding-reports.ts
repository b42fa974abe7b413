// The few reports that decide a target's view on a day: what the summary's SQL lookups fetch, and what
// a timeline keeps while it walks a target's reports day by day.
import { compareDates, countsFor, type Basis, type IsoDate, type ReportRecord, type TargetKind } from '../domain/index.js'

interface Indexed {
  /** Recording order. */
  index: number
  report: ReportRecord
}

const bases: readonly Basis[] = ['reported', 'verified']

/**
 * Fed reports in (asOf, recording) order, keeps for the last day fed:
 * - every kind: the latest report that counts on the reported basis (unreported, overdue, latest report);
 * - reach/growth/ceiling: per basis, the latest counted report with a value (the value on the day);
 * - milestone: per basis, the latest counted stage report and, for each stage, the first counted report
 *   naming it (the done stages, in the order they were first recorded).
 * "Latest" is greatest asOf, the later recorded on a tie: with this feeding order, the last one fed.
 */
export const decidingReportsCollector = (kind: TargetKind) => {
  let latestCounted: Indexed | undefined
  const latest = new Map<Basis, Indexed>()
  const firstByStage = new Map<Basis, Map<string, Indexed>>(bases.map((basis) => [basis, new Map()]))
  return {
    add(item: Indexed): void {
      const { report } = item
      if (countsFor(report, 'reported')) latestCounted = item
      for (const basis of bases) {
        if (!countsFor(report, basis)) continue
        if (kind !== 'milestone') {
          if (report.value !== null) latest.set(basis, item)
          continue
        }
        if (report.stage === null) continue
        latest.set(basis, item)
        const first = firstByStage.get(basis)!
        const seen = first.get(report.stage)
        if (seen === undefined || seen.index > item.index) first.set(report.stage, item)
      }
    },
    /** The deciding reports, each once, in recording order. */
    reports(): ReportRecord[] {
      const picked = new Map<number, ReportRecord>()
      const keep = (item: Indexed | undefined) => item !== undefined && picked.set(item.index, item.report)
      keep(latestCounted)
      for (const basis of bases) {
        keep(latest.get(basis))
        for (const item of firstByStage.get(basis)!.values()) keep(item)
      }
      return [...picked].sort(([a], [b]) => a - b).map(([, report]) => report)
    },
  }
}

/** Reports (in recording order) with their index, sorted by asOf then recording order. */
export const inEffectiveOrder = (reports: readonly ReportRecord[]): Indexed[] =>
  reports
    .map((report, index) => ({ index, report }))
    .sort((a, b) => compareDates(a.report.asOf, b.report.asOf) || a.index - b.index)

/** The reports (in recording order) that decide the view on `asOf`: viewAt on them alone gives the same progress. */
export const decidingReports = (reports: readonly ReportRecord[], kind: TargetKind, asOf: IsoDate): ReportRecord[] => {
  const collector = decidingReportsCollector(kind)
  for (const item of inEffectiveOrder(reports)) {
    if (compareDates(item.report.asOf, asOf) > 0) break
    collector.add(item)
  }
  return collector.reports()
}
