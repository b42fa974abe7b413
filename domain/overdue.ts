// The monthly reporting cadence: by the 5th, last month's progress must be on record.
import { compareDates, dayOfMonth, endOfPreviousMonth, minDate } from './calendar.js'
import type { IsoDate, Period } from './target.js'

/** Reports for a month are due by this day of the following month (inclusive). */
export const reportingDeadlineDay = 5

/**
 * The asOf the latest report must have reached on `today`: the previous month's end once the 5th
 * has passed (from the 6th), otherwise the end of the month before that.
 */
export const reportDueBy = (today: IsoDate): IsoDate => {
  const previousMonthEnd = endOfPreviousMonth(today)
  return dayOfMonth(today) > reportingDeadlineDay ? previousMonthEnd : endOfPreviousMonth(previousMonthEnd)
}

export interface OverdueInput {
  /** asOf of the latest report that is not rejected, or null when there is none. */
  latestAsOf: IsoDate | null
  today: IsoDate
  period: Period
  closed: boolean
  /**
   * Nothing is left to report: a milestone with every stage done. Its agency cannot file another
   * report (a milestone report names a stage not yet done), so no report can ever be due.
   */
  finished: boolean
}

/**
 * Nothing is due before a month of the period has ended and its deadline passed, and nothing is due
 * beyond the period's end; after that end the final report stays due until the target is closed.
 * A closed or finished target owes nothing.
 */
export const isOverdue = ({ latestAsOf, today, period, closed, finished }: OverdueInput): boolean => {
  if (closed || finished) return false
  const due = minDate(reportDueBy(today), period.end)
  if (compareDates(due, period.start) < 0) return false
  return latestAsOf === null || compareDates(latestAsOf, due) < 0
}
