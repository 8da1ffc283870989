// Wall-clock time in an IANA time zone, from Node's Intl (the ICU copy of the tz database), so
// daylight saving changes are the database's, never a fixed offset of ours.
import { ConfigurationError } from '@deploy-actions/kit'

export interface WallClock {
  /** YYYY-MM-DD in the zone. */
  date: string
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number
  /** Minutes since local midnight. */
  minute: number
  /** Day of the month (1–31) and the month's length, for "first" / "last" weekdays. */
  day: number
  daysInMonth: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

/**
 * Checks a zone name. Offsets ("+01:00", "Etc/GMT-1", "UTC+1") are refused: a fixed offset
 * silently stops matching the wall clock at the next DST change.
 */
export function checkZone(field: string, zone: string): string {
  if (/^[+-]\d|^(UTC|GMT)[+-]\d|^Etc\/GMT[+-]\d/i.test(zone))
    throw new ConfigurationError(field, 'an IANA time zone such as Europe/Berlin (not a fixed offset)', zone)
  try {
    formatterOf(zone)
  } catch {
    throw new ConfigurationError(field, 'an IANA time zone such as Europe/Berlin', zone)
  }
  return zone
}

function formatterOf(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    })
    formatters.set(zone, f)
  }
  return f
}

export function wallClock(instant: number, zone: string): WallClock {
  const parts: Record<string, string> = {}
  for (const p of formatterOf(zone).formatToParts(new Date(instant))) parts[p.type] = p.value
  const year = Number(parts.year)
  const month = Number(parts.month)
  const day = Number(parts.day)
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ''),
    minute: Number(parts.hour) * 60 + Number(parts.minute),
    day,
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  }
}

/** The calendar day before a YYYY-MM-DD date (calendar arithmetic, no zone involved). */
export function previousDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10)
}

/** Weekday and position in its month of a YYYY-MM-DD date. */
export function calendarDay(date: string): Pick<WallClock, 'weekday' | 'day' | 'daysInMonth'> {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return {
    weekday: new Date(Date.UTC(y, m - 1, d)).getUTCDay(),
    day: d,
    daysInMonth: new Date(Date.UTC(y, m, 0)).getUTCDate(),
  }
}

/** "YYYY-MM-DD HH:MM Zone" of an instant, for messages. */
export function formatWall(instant: number, zone: string): string {
  const w = wallClock(instant, zone)
  const hh = String(Math.floor(w.minute / 60)).padStart(2, '0')
  const mm = String(w.minute % 60).padStart(2, '0')
  return `${WEEKDAYS[w.weekday]} ${w.date} ${hh}:${mm} ${zone}`
}

export { WEEKDAYS }
