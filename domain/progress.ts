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

/** Lists shorter than this are scanned: cheaper than keeping an index or a memo beside them. */
export const indexedFrom = 16

const valueCountsFor = (report: ReportRecord, basis: Basis): boolean => report.value !== null && countsFor(report, basis)

interface LatestValues {
  reported: ReportRecord | null
  verified: ReportRecord | null
}

/**
 * Per long list, the latest report with a value that counts on each basis, whatever its day. A list
 * made by appending a report to one that has it gets it too (`carryLatestValues`, from evolve), so a
 * write asking about a day on or after it (a new report, in practice) needs no scan of the history.
 */
const latestValues = new WeakMap<readonly ReportRecord[], LatestValues>()

const latestValuesOf = (reports: readonly ReportRecord[]): LatestValues => {
  let latest = latestValues.get(reports)
  if (latest === undefined) {
    latest = {
      reported: latestByAsOf(reports, (report) => valueCountsFor(report, 'reported')),
      verified: latestByAsOf(reports, (report) => valueCountsFor(report, 'verified')),
    }
    latestValues.set(reports, latest)
  }
  return latest
}

/** `after` is `before` with `added` appended: it inherits `before`'s latest values, `added` taking over where it counts (last recorded wins a tie). */
export const carryLatestValues = (before: readonly ReportRecord[], after: readonly ReportRecord[], added: ReportRecord): void => {
  const latest = latestValues.get(before)
  if (latest === undefined) return
  const pick = (current: ReportRecord | null, basis: Basis) =>
    valueCountsFor(added, basis) && (current === null || compareDates(added.asOf, current.asOf) >= 0) ? added : current
  latestValues.set(after, { reported: pick(latest.reported, 'reported'), verified: pick(latest.verified, 'verified') })
}

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
