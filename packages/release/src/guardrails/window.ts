// Deployment windows and freezes (pure). A window is wall-clock time in an IANA zone:
//   "Sun 02:00-04:00 Europe/Berlin"          every Sunday
//   "first Sun 02:00-06:00 Europe/Berlin"    the month's first Sunday (first|second|third|fourth|last)
//   "Mon-Thu 09:00-16:00 Europe/Berlin", "Sat,Sun 22:00-02:00 UTC" (an end before the start runs past midnight)
// A release may start while any window is open. Freezes block whatever the windows say:
//   "2026-12-20..2027-01-04 Europe/Berlin"   whole local days, both ends included
//   { from: "2026-12-24T12:00", to: "2026-12-26", zone: "Europe/Berlin", reason: "holidays" }
// Times are compared on the zone's wall clock, so on a DST change a window keeps its local hours:
// "Sun 02:00-04:00 Europe/Berlin" is one hour long on the last Sunday of March (02:00–03:00 does
// not exist) and three on the last Sunday of October (02:00–03:00 happens twice).
import { ConfigurationError } from '@deploy-actions/kit'
import { calendarDay, checkZone, formatWall, previousDate, WEEKDAYS, wallClock } from './zoned-time.ts'

const ORDINALS = ['first', 'second', 'third', 'fourth', 'last'] as const
type Ordinal = (typeof ORDINALS)[number]

export interface Window {
  text: string
  days: number[]
  ordinal?: Ordinal
  start: number
  end: number
  zone: string
}

export interface Freeze {
  text: string
  /** "YYYY-MM-DDTHH:MM" local, inclusive. */
  from: string
  /** "YYYY-MM-DDTHH:MM" local, exclusive ("T24:00" for a whole last day). */
  to: string
  zone: string
  reason?: string
}

const WINDOW_FORM =
  '"[first|second|third|fourth|last] <days> HH:MM-HH:MM <IANA zone>", e.g. "Sun 02:00-04:00 Europe/Berlin"'
const FREEZE_FORM = '"YYYY-MM-DD[THH:MM][..YYYY-MM-DD[THH:MM]] <IANA zone>" or { from, to, zone, reason }'

function dayIndex(field: string, name: string, text: string): number {
  const i = WEEKDAYS.findIndex((d) => d.toLowerCase() === name.slice(0, 3).toLowerCase())
  if (i < 0 || !/^(sun|mon|tue|wed|thu|fri|sat)[a-z]*$/i.test(name))
    throw new ConfigurationError(field, WINDOW_FORM, text)
  return i
}

function parseDays(field: string, spec: string, text: string): number[] {
  const days = new Set<number>()
  for (const part of spec.split(',')) {
    const [a, b] = part.split('-')
    const from = dayIndex(field, a ?? '', text)
    if (b === undefined) days.add(from)
    else
      for (let d = from, to = dayIndex(field, b, text); ; d = (d + 1) % 7) {
        days.add(d)
        if (d === to) break
      }
  }
  return [...days]
}

function clock(field: string, hhmm: string, text: string, form: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm)
  if (!m || Number(m[1]) > 24 || Number(m[2]) > 59 || (Number(m[1]) === 24 && m[2] !== '00'))
    throw new ConfigurationError(field, form, text)
  return Number(m[1]) * 60 + Number(m[2])
}

export function parseWindow(field: string, text: string): Window {
  const words = text.trim().split(/\s+/)
  const ordinal = ORDINALS.find((o) => o === words[0]?.toLowerCase())
  if (ordinal) words.shift()
  if (words.length !== 3) throw new ConfigurationError(field, WINDOW_FORM, text)
  const [days, range, zone] = words as [string, string, string]
  const [s, e] = range.replace('–', '-').split('-')
  if (s === undefined || e === undefined) throw new ConfigurationError(field, WINDOW_FORM, text)
  const start = clock(field, s, text, WINDOW_FORM)
  const end = clock(field, e, text, WINDOW_FORM)
  if (start === end) throw new ConfigurationError(field, `${WINDOW_FORM} (a window of some length)`, text)
  return {
    text,
    days: parseDays(field, days, text),
    ...(ordinal ? { ordinal } : {}),
    start,
    end,
    zone: checkZone(field, zone),
  }
}

function localStamp(field: string, value: string, end: boolean, text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{1,2}:\d{2}))?$/.exec(value)
  if (!m || Number.isNaN(Date.parse(m[1] as string))) throw new ConfigurationError(field, FREEZE_FORM, text)
  if (!m[2]) return `${m[1]}T${end ? '24:00' : '00:00'}`
  const minutes = clock(field, m[2], text, FREEZE_FORM)
  return `${m[1]}T${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}

export function parseFreeze(field: string, value: unknown): Freeze {
  if (typeof value === 'string') {
    const [range, zone, ...rest] = value.trim().split(/\s+/)
    if (!range || !zone || rest.length) throw new ConfigurationError(field, FREEZE_FORM, value)
    const [from, to] = range.split('..')
    return freezeOf(field, value, from ?? '', to ?? from ?? '', zone)
  }
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>
    const text = JSON.stringify(value)
    if (typeof o.from !== 'string' || typeof o.zone !== 'string' || (o.to !== undefined && typeof o.to !== 'string'))
      throw new ConfigurationError(field, FREEZE_FORM, text)
    const freeze = freezeOf(field, text, o.from, (o.to as string | undefined) ?? o.from, o.zone)
    return typeof o.reason === 'string' ? { ...freeze, reason: o.reason } : freeze
  }
  throw new ConfigurationError(field, FREEZE_FORM, String(value))
}

function freezeOf(field: string, text: string, from: string, to: string, zone: string): Freeze {
  const f = {
    text,
    from: localStamp(field, from, false, text),
    to: localStamp(field, to, true, text),
    zone: checkZone(field, zone),
  }
  if (f.to <= f.from) throw new ConfigurationError(field, `${FREEZE_FORM} (the end after the start)`, text)
  return f
}

const asList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v])

/** The plan's `window` (one or a list) and `freeze` (one or a list), checked. */
export function parseSchedule(window: unknown, freeze: unknown): { windows: Window[]; freezes: Freeze[] } {
  const windows = asList(window).map((w, i) => {
    if (typeof w !== 'string') throw new ConfigurationError(`window[${i}]`, WINDOW_FORM, JSON.stringify(w))
    return parseWindow(Array.isArray(window) ? `window[${i}]` : 'window', w)
  })
  const freezes = asList(freeze).map((f, i) => parseFreeze(Array.isArray(freeze) ? `freeze[${i}]` : 'freeze', f))
  return { windows, freezes }
}

function dayMatches(w: Window, date: string): boolean {
  const c = calendarDay(date)
  if (!w.days.includes(c.weekday)) return false
  switch (w.ordinal) {
    case undefined:
      return true
    case 'last':
      return c.day + 7 > c.daysInMonth
    default:
      return Math.ceil(c.day / 7) === ORDINALS.indexOf(w.ordinal) + 1
  }
}

/** Whether the window is open at the instant (wall clock of its zone). */
export function windowOpen(w: Window, instant: number): boolean {
  const now = wallClock(instant, w.zone)
  if (w.start < w.end) return dayMatches(w, now.date) && now.minute >= w.start && now.minute < w.end
  // Past midnight: the evening of a matching day, or the early hours after one.
  return (
    (dayMatches(w, now.date) && now.minute >= w.start) || (dayMatches(w, previousDate(now.date)) && now.minute < w.end)
  )
}

export function freezeActive(f: Freeze, instant: number): boolean {
  const w = wallClock(instant, f.zone)
  const stamp = `${w.date}T${String(Math.floor(w.minute / 60)).padStart(2, '0')}:${String(w.minute % 60).padStart(2, '0')}`
  return stamp >= f.from && stamp < f.to
}

/** The first instant after `instant` that a window opens, within 40 days (windows of 5 minutes or more). */
export function nextOpening(windows: readonly Window[], instant: number): number | undefined {
  const minute = 60_000
  let t = Math.ceil(instant / minute) * minute
  const limit = t + 40 * 86_400_000
  // Five minutes at a time until some window is open, then back minute by minute to its start.
  while (t < limit && !windows.some((w) => windowOpen(w, t))) t += 5 * minute
  if (t >= limit) return undefined
  while (t - minute > instant && windows.some((w) => windowOpen(w, t - minute))) t -= minute
  return t
}

export interface ScheduleDecision {
  allowed: boolean
  /** One line: why the release may or may not start now. */
  reason: string
  /** Set when break-glass let a blocked release through. */
  override?: { reason: string; blocked: string }
}

/**
 * May a release start at `instant`? No windows means any time. A non-empty `breakGlass` reason
 * lets a blocked release through, and the decision says so (the caller logs it as a warning).
 */
export function decide(
  schedule: { windows: readonly Window[]; freezes: readonly Freeze[] },
  instant: number,
  breakGlass = '',
): ScheduleDecision {
  const frozen = schedule.freezes.find((f) => freezeActive(f, instant))
  let blocked: string | undefined
  if (frozen) {
    blocked = `freeze ${frozen.text}${frozen.reason ? ` (${frozen.reason})` : ''} is in effect (${formatWall(instant, frozen.zone)})`
  } else if (schedule.windows.length && !schedule.windows.some((w) => windowOpen(w, instant))) {
    const zone = schedule.windows[0]!.zone
    const next = nextOpening(schedule.windows, instant)
    blocked = `outside the deployment windows (${schedule.windows.map((w) => w.text).join('; ')}): it is ${formatWall(instant, zone)}${next === undefined ? '' : `; the next opens ${formatWall(next, zone)}`}`
  }
  if (!blocked) {
    const open = schedule.windows.find((w) => windowOpen(w, instant))
    return { allowed: true, reason: open ? `inside the deployment window ${open.text}` : 'no deployment window set' }
  }
  const reason = breakGlass.trim()
  if (reason)
    return { allowed: true, reason: `break-glass: ${blocked}; overridden: ${reason}`, override: { reason, blocked } }
  return { allowed: false, reason: `${blocked}; set break-glass with a reason to release anyway` }
}
