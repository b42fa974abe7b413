// What a target's reports say on a day: those counted by then, the value in force, the stages done.
import { compareDates } from './calendar.js'
import { countsFor, indexedFrom, latestByAsOf, latestValuesOf, valueCountsFor, type Basis, type ReportRecord } from './state.js'
import type { IsoDate } from './target.js'

/** Reports that count on `basis` and are effective on or before `date`, in recording order. */
export const reportsUpTo = (reports: readonly ReportRecord[], date: IsoDate, basis: Basis): ReportRecord[] =>
  reports.filter((report) => countsFor(report, basis) && compareDates(report.asOf, date) <= 0)

/**
 * reach/growth/ceiling: the report whose value holds on `date`. The latest of the whole list holds on
 * every day from its asOf on; an earlier day needs the scan.
 */
export const valueReportAt = (reports: readonly ReportRecord[], date: IsoDate, basis: Basis): ReportRecord | null => {
  if (reports.length >= indexedFrom) {
    const latest = latestValuesOf(reports)[basis]
    if (latest === null) return null
    if (compareDates(latest.asOf, date) <= 0) return latest
  }
  return latestByAsOf(reports, (report) => valueCountsFor(report, basis) && compareDates(report.asOf, date) <= 0)
}

/** milestone: the stages done by `date`, each once, in recording order. */
export const doneStagesAt = (reports: readonly ReportRecord[], date: IsoDate, basis: Basis): string[] => [
  ...new Set(reportsUpTo(reports, date, basis).flatMap((report) => (report.stage === null ? [] : [report.stage]))),
]
