// The one place the service reads the wall clock; everything else gets time passed in.
import type { Instant, IsoDate } from '../../domain/target.js'

export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock that stands still until moved: for tests and replays. */
export const fixedClock = (start: Date | string): Clock & { set(at: Date | string): void } => {
  let current = new Date(start)
  return {
    now: () => new Date(current),
    set: (at) => {
      current = new Date(at)
    },
  }
}

const dayFormats = new Map<string, Intl.DateTimeFormat>()

/** The calendar day of `at` in `timeZone` (the report's targets run on Beijing time). */
export const calendarDay = (at: Date, timeZone: string): IsoDate => {
  let format = dayFormats.get(timeZone)
  if (!format) {
    // en-CA formats as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    dayFormats.set(timeZone, format)
  }
  // Parts rather than the formatted string: en-CA writes year 100 as "100", not "0100".
  const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]))
  return `${parts['year']!.padStart(4, '0')}-${parts['month']}-${parts['day']}`
}

export const instant = (at: Date): Instant => at.toISOString()
