// Which reports count on a day: the reported basis (not rejected) and the verified basis (accepted only).
import { compareDates } from './calendar.js'
import type { ReportRecord } from './state.js'
import type { IsoDate } from './target.js'

export type Basis = 'reported' | 'verified'

export const countsFor = (report: ReportRecord, basis: Basis): boolean =>
  basis === 'reported' ? report.verification !== 'rejected' : report.verification === 'accepted'

/** Reports that count on `basis` and are effective on or before `date`, in recording order. */
export const reportsUpTo = (reports: readonly ReportRecord[], date: IsoDate, basis: Basis): ReportRecord[] =>
  reports.filter((report) => countsFor(report, basis) && compareDates(report.asOf, date) <= 0)

/**
 * The report with the greatest asOf among the `reports` that `include` keeps (all by default); on
 * equal asOf the later recorded wins (`reports` is in recording order). null when none. One pass, no
 * copies: a write asks this of a target's whole history.
 */
export const latestByAsOf = (
  reports: readonly ReportRecord[],
  include: (report: ReportRecord) => boolean = () => true,
): ReportRecord | null => {
  let latest: ReportRecord | null = null
  for (const report of reports) {
    if (include(report) && (latest === null || compareDates(report.asOf, latest.asOf) >= 0)) latest = report
  }
  return latest
}

/** reach/growth/ceiling: the report whose value holds on `date`. */
export const valueReportAt = (reports: readonly ReportRecord[], date: IsoDate, basis: Basis): ReportRecord | null =>
  latestByAsOf(reports, (report) => report.value !== null && countsFor(report, basis) && compareDates(report.asOf, date) <= 0)

/** milestone: the stages done by `date`, each once, in recording order. */
export const doneStagesAt = (reports: readonly ReportRecord[], date: IsoDate, basis: Basis): string[] => [
  ...new Set(reportsUpTo(reports, date, basis).flatMap((report) => (report.stage === null ? [] : [report.stage]))),
]
