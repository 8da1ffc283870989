import { ConfigurationError } from './errors.ts'

/** Reads one raw input by its action.yml name ('' when unset). Tests pass a plain object's lookup. */
export type InputGetter = (name: string) => string

/** The getter the runner implies, read straight from `INPUT_*` variables (what @actions/core does). */
export function envInputGetter(env: NodeJS.ProcessEnv = process.env): InputGetter {
  return (name) => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

/** A getter over a plain record, for tests and the CLI. */
export function recordInputGetter(record: Record<string, string | number | boolean | undefined>): InputGetter {
  return (name) => {
    const v = record[name]
    return v === undefined ? '' : String(v).trim()
  }
}

export function required(input: string, raw: string): string {
  if (!raw.trim()) throw new ConfigurationError(input, 'a value (this input is required)')
  return raw.trim()
}

export function parseBool(input: string, raw: string, fallback: boolean): boolean {
  const v = raw.trim().toLowerCase()
  if (!v) return fallback
  if (['true', 'yes', 'on', '1'].includes(v)) return true
  if (['false', 'no', 'off', '0'].includes(v)) return false
  throw new ConfigurationError(input, 'true or false', raw)
}

export function parseInteger(
  input: string,
  raw: string,
  fallback: number,
  range: { min?: number; max?: number } = {},
): number {
  const v = raw.trim()
  if (!v) return fallback
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range
  const form =
    range.min !== undefined && range.max !== undefined
      ? `a whole number from ${min} to ${max}`
      : range.min !== undefined
        ? `a whole number of at least ${min}`
        : 'a whole number'
  if (!/^[+-]?\d+$/.test(v)) throw new ConfigurationError(input, form, raw)
  const n = Number(v)
  if (n < min || n > max) throw new ConfigurationError(input, form, raw)
  return n
}

export function parseEnum<T extends string>(input: string, raw: string, allowed: readonly T[], fallback: T): T {
  const v = raw.trim()
  if (!v) return fallback
  if ((allowed as readonly string[]).includes(v)) return v as T
  throw new ConfigurationError(input, `one of ${allowed.join(', ')}`, raw)
}

/** Newline- or comma-separated list; blank items and `#` comment lines dropped. */
export function parseList(raw: string, { commas = true }: { commas?: boolean } = {}): string[] {
  return raw
    .split(/\r?\n/)
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => (commas ? line.split(',') : [line]))
    .map((s) => s.trim())
    .filter(Boolean)
}

/** `KEY=VALUE` lines (values may contain `=`; commas are not separators here). */
export function parseKeyValues(input: string, raw: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of parseList(raw, { commas: false })) {
    const eq = line.indexOf('=')
    if (eq <= 0) throw new ConfigurationError(input, 'KEY=VALUE lines', line)
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim()
  }
  return out
}

/** `Name: value` header lines. */
export function parseHeaders(input: string, raw: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of parseList(raw, { commas: false })) {
    const colon = line.indexOf(':')
    const name = colon > 0 ? line.slice(0, colon).trim() : ''
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new ConfigurationError(input, '"Name: value" lines', line)
    out[name] = line.slice(colon + 1).trim()
  }
  return out
}

/** A set of HTTP statuses: `200-299,301`. Returned as closed ranges. */
export type StatusSet = ReadonlyArray<readonly [number, number]>

export function parseStatusSet(input: string, raw: string, fallback = '200-299'): StatusSet {
  const text = raw.trim() || fallback
  const ranges: Array<[number, number]> = []
  for (const part of parseList(text)) {
    const m = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(part)
    const lo = m ? Number(m[1]) : Number.NaN
    const hi = m?.[2] ? Number(m[2]) : lo
    if (!m || lo < 100 || hi > 599 || hi < lo) {
      throw new ConfigurationError(input, 'HTTP statuses or ranges like 200-299,301', raw)
    }
    ranges.push([lo, hi])
  }
  return ranges
}

export function statusMatches(set: StatusSet, status: number): boolean {
  return set.some(([lo, hi]) => status >= lo && status <= hi)
}

export function formatStatusSet(set: StatusSet): string {
  return set.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(',')
}
