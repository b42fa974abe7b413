// Pure date arithmetic on `YYYY-MM-DD` strings and instants; day counts are UTC-based, so no time zone leaks in.
import { errors } from './errors.js'
import type { Instant, IsoDate } from './target.js'

const MS_PER_DAY = 86_400_000
const isoDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/

interface CalendarDay {
  year: number
  /** 1..12 */
  month: number
  /** 1..31 */
  day: number
}

const parse = (date: IsoDate): CalendarDay | null => {
  const match = isoDatePattern.exec(date)
  if (match === null) return null
  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null
  return { year, month, day }
}

const format = ({ year, month, day }: CalendarDay): IsoDate =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate()

export const isIsoDate = (value: string): boolean => parse(value) !== null

const calendarDay = (date: IsoDate): CalendarDay => {
  const parsed = parse(date)
  if (parsed === null) throw errors.invalidDate(date)
  return parsed
}

/** Days since 1970-01-01. */
export const dayNumber = (date: IsoDate): number => {
  const { year, month, day } = calendarDay(date)
  return Date.UTC(year, month - 1, day) / MS_PER_DAY
}

export const fromDayNumber = (days: number): IsoDate => {
  const d = new Date(days * MS_PER_DAY)
  return format({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() })
}

/** b − a in whole days. */
export const daysBetween = (a: IsoDate, b: IsoDate): number => dayNumber(b) - dayNumber(a)

export const addDays = (date: IsoDate, days: number): IsoDate => fromDayNumber(dayNumber(date) + days)

/**
 * Negative, zero or positive as a is before, on or after b. Valid `YYYY-MM-DD` strings (four-digit
 * years, as every schema checks) order lexically, so no parsing: the decider and the projections
 * compare dates for every report of a target on every write.
 */
export const compareDates = (a: IsoDate, b: IsoDate): number => (a < b ? -1 : a > b ? 1 : 0)

export const minDate = (a: IsoDate, b: IsoDate): IsoDate => (compareDates(a, b) <= 0 ? a : b)

export const dayOfMonth = (date: IsoDate): number => calendarDay(date).day

export const endOfMonth = (date: IsoDate): IsoDate => {
  const { year, month } = calendarDay(date)
  return format({ year, month, day: daysInMonth(year, month) })
}

/** The last day of the month before `date`'s month. */
export const endOfPreviousMonth = (date: IsoDate): IsoDate => {
  const { year, month } = calendarDay(date)
  return addDays(format({ year, month, day: 1 }), -1)
}

/** The month-ends of every calendar month that overlaps [start, end], in order. */
export const monthEndsBetween = (start: IsoDate, end: IsoDate): IsoDate[] => {
  const ends: IsoDate[] = []
  for (let monthEnd = endOfMonth(start); compareDates(monthEnd, endOfMonth(end)) <= 0; monthEnd = endOfMonth(addDays(monthEnd, 1))) {
    ends.push(monthEnd)
  }
  return ends
}

/** Milliseconds since the epoch; instants may carry any offset. */
export const instantMs = (instant: Instant): number => {
  const ms = Date.parse(instant)
  if (Number.isNaN(ms)) throw errors.invalidDate(instant)
  return ms
}

export const compareInstants = (a: Instant, b: Instant): number => instantMs(a) - instantMs(b)
