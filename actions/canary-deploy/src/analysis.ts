// Verdicts of the metric checks, measurement by measurement and over a step. No data, NaN and
// errors are never silently a pass (Argo Rollouts marks an AnalysisRun whose every measurement
// errored as Successful, argo-rollouts #4479; Flagger halts without a word on NaN, flagger
// #1689): an error fails, missing data follows the check's explicit `on-no-data`. Pure.
import { describeThreshold, type MetricCheck, type Threshold } from './metrics.ts'

/** What a provider measured for one check at one moment. */
export interface Measurement {
  /** The canary's value; undefined or NaN when the source had no data. */
  value?: number
  /** The stable's value (compare mode). */
  stableValue?: number
  /** Why there is no data, when known (`empty result`, `NaN`, `no datapoints`). */
  noData?: string
  /** The provider failed (HTTP error, query error, timeout): never a pass. */
  error?: string
  /** http checks: the request's own verdict (value is its latency in ms). */
  http?: { ok: boolean; reason: string }
  /** The query as run (substituted), for the summary. */
  query?: string
}

export type Verdict = 'pass' | 'fail' | 'inconclusive'

export interface Judged {
  check: string
  verdict: Verdict
  /** True when the measurement carried data (counts toward min-samples). */
  hadData: boolean
  /** The value as shown: `0.0213`, `no data (empty result)`, `error: …`. */
  shown: string
  threshold: string
  /** One line: `error-rate 0.2 > max 0.01`. */
  reason: string
  query?: string
}

const finite = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v)

/** A value for humans: up to 4 significant digits. */
export function showValue(v: number): string {
  if (Number.isInteger(v)) return String(v)
  return String(Number(v.toPrecision(4)))
}

/** Judges one measurement of one check. */
export function judge(check: MetricCheck, m: Measurement): Judged {
  const threshold = describeThreshold(check.threshold)
  const base = { check: check.name, threshold, ...(m.query ? { query: m.query } : {}) }
  if (m.error !== undefined) {
    return {
      ...base,
      verdict: 'fail',
      hadData: false,
      shown: `error: ${m.error}`,
      reason: `${check.name}: error: ${m.error}`,
    }
  }
  if (m.http) {
    const shown = finite(m.value) ? `${Math.round(m.value)}ms` : m.http.reason
    return m.http.ok
      ? { ...base, verdict: 'pass', hadData: true, shown, reason: `${check.name}: ${m.http.reason}` }
      : { ...base, verdict: 'fail', hadData: true, shown: m.http.reason, reason: `${check.name}: ${m.http.reason}` }
  }
  const missing = !finite(m.value)
    ? (m.noData ?? (m.value === undefined ? 'no data' : 'NaN'))
    : check.threshold.compare && !finite(m.stableValue)
      ? `no data for stable${m.noData ? ` (${m.noData})` : ''}`
      : undefined
  if (missing !== undefined) {
    const shown = missing.startsWith('no data') ? missing : `no data (${missing})`
    const verdict: Verdict = check.onNoData
    return {
      ...base,
      verdict,
      hadData: false,
      shown,
      reason: `${check.name}: ${shown}${verdict === 'fail' ? '' : ` (on-no-data: ${verdict})`}`,
    }
  }
  const value = m.value as number
  const broken = breach(check.threshold, value, m.stableValue)
  const shown =
    m.stableValue !== undefined && check.threshold.compare
      ? `${showValue(value)} (stable ${showValue(m.stableValue)})`
      : showValue(value)
  return broken
    ? { ...base, verdict: 'fail', hadData: true, shown, reason: `${check.name}: ${broken}` }
    : { ...base, verdict: 'pass', hadData: true, shown, reason: `${check.name}: ${shown} within ${threshold}` }
}

/** Which bound a value breaks, in words; undefined when within every bound. */
export function breach(t: Threshold, value: number, stable?: number): string | undefined {
  if (t.max !== undefined && !(value <= t.max)) return `${showValue(value)} > max ${t.max}`
  if (t.min !== undefined && !(value >= t.min)) return `${showValue(value)} < min ${t.min}`
  if (t.compare && stable !== undefined) {
    const limit = stable * t.compare.factor + t.compare.offset
    const ok = { '<=': value <= limit, '<': value < limit, '>=': value >= limit, '>': value > limit }[t.compare.op]
    if (!ok) {
      return `canary ${showValue(value)} vs stable ${showValue(stable)}: not ${t.compare.text} (limit ${showValue(limit)})`
    }
  }
  return undefined
}

/** The outcome of a check over a step, or of the whole step. */
export type StepOutcome = { outcome: 'pass' } | { outcome: 'fail' | 'inconclusive'; reason: string }

/**
 * Counts consecutive failures per check (abort once they exceed `failure-limit`) and the
 * measurements with data (a step needs `min-samples` of them per check).
 */
export class StepAnalysis {
  private readonly state = new Map<string, { consecutive: number; withData: number; measured: number; last?: Judged }>()
  private readonly checks: readonly MetricCheck[]
  constructor(checks: readonly MetricCheck[]) {
    this.checks = checks
    for (const c of checks) this.state.set(c.name, { consecutive: 0, withData: 0, measured: 0 })
  }

  /** Records one judged measurement; returns the abort reason once the check failed too often. */
  record(j: Judged): string | undefined {
    const s = this.state.get(j.check)
    const check = this.checks.find((c) => c.name === j.check)
    if (!s || !check) return undefined
    s.measured++
    s.last = j
    if (j.hadData) s.withData++
    if (j.verdict === 'fail') {
      s.consecutive++
      if (s.consecutive > check.failureLimit) {
        const times =
          s.consecutive > 1 ? ` (${s.consecutive} failures in a row, failure-limit ${check.failureLimit})` : ''
        return `check ${j.reason}${times}${j.query ? `; query: ${j.query}` : ''}`
      }
    } else if (j.verdict === 'pass') {
      s.consecutive = 0
    }
    return undefined
  }

  /** At the end of a step: enough data for every check, and none left inconclusive. */
  finish(): StepOutcome {
    for (const check of this.checks) {
      const s = this.state.get(check.name)!
      if (s.withData >= check.minSamples) continue
      const why = `check ${check.name}: ${s.withData} of ${check.minSamples} required measurement${check.minSamples === 1 ? '' : 's'} had data${s.last ? ` (last: ${s.last.shown})` : ''}`
      if (check.onNoData === 'pass') continue
      return { outcome: check.onNoData, reason: why }
    }
    return { outcome: 'pass' }
  }
}
