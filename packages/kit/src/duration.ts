import { ConfigurationError } from './errors.ts'

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y

/** Parses `500ms`, `30s`, `15m`, `1h`, `1h30m`; returns milliseconds, or undefined if malformed. */
export function durationMs(text: string): number | undefined {
  const s = text.trim()
  if (!s) return undefined
  let total = 0
  PART.lastIndex = 0
  while (PART.lastIndex < s.length) {
    const start = PART.lastIndex
    const m = PART.exec(s)
    if (!m || m.index !== start) return undefined
    total += Number(m[1]) * (UNIT_MS[m[2]!] ?? Number.NaN)
  }
  return Number.isFinite(total) ? Math.round(total) : undefined
}

export function parseDuration(input: string, raw: string): number {
  const ms = durationMs(raw)
  if (ms === undefined) throw new ConfigurationError(input, 'a duration like 500ms, 30s, 15m or 1h', raw)
  return ms
}

/** Human form for logs and summaries: 850ms, 12.3s, 4m05s, 1h02m. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`
  const totalS = Math.round(ms / 1000)
  if (totalS < 3600) return `${Math.floor(totalS / 60)}m${String(totalS % 60).padStart(2, '0')}s`
  const totalM = Math.round(totalS / 60)
  return `${Math.floor(totalM / 60)}h${String(totalM % 60).padStart(2, '0')}m`
}
