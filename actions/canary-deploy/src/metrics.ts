// The `metrics` input: a YAML list of checks, parsed and validated in full before any write,
// with the line of each mistake. Pure: no I/O, no @actions/*.
import { ConfigurationError, durationMs } from '@deploy-actions/kit'
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml'

export const PROVIDERS = ['prometheus', 'cloudwatch', 'http'] as const
export type Provider = (typeof PROVIDERS)[number]
export const ON_NO_DATA = ['fail', 'pass', 'inconclusive'] as const
export type OnNoData = (typeof ON_NO_DATA)[number]

/** `canary <= stable * 1.1 + 0.01`: the canary's value against the stable's from the same query. */
export interface Comparison {
  op: '<=' | '<' | '>=' | '>'
  factor: number
  offset: number
  text: string
}

export interface Threshold {
  max?: number
  min?: number
  compare?: Comparison
}

interface CheckBase {
  name: string
  /** Line of the check in the YAML (1-based), for messages. */
  line: number
  threshold: Threshold
  /** Consecutive failed measurements tolerated; one more aborts. */
  failureLimit: number
  onNoData: OnNoData
  /** Measurements with data a step needs before the check counts as passed for it. */
  minSamples: number
  /** What `{{canary}}` / `{{stable}}` stand for in queries and dimensions. */
  canaryValue?: string
  stableValue?: string
}

export interface PrometheusCheck extends CheckBase {
  provider: 'prometheus'
  query: string
  /** The stable's query for compare mode; default: `query` with `{{canary}}` read as `{{stable}}`. */
  stableQuery?: string
}

export interface CloudWatchCheck extends CheckBase {
  provider: 'cloudwatch'
  namespace: string
  metric: string
  dimensions: Record<string, string>
  stableDimensions?: Record<string, string>
  stat: string
  periodS: number
  region?: string
}

export interface HttpCheck extends CheckBase {
  provider: 'http'
  /** The smoke-test check entry (name, url, method, headers, body, expect), as written. */
  request: Record<string, unknown>
  /** Send the `canary-header` with the request (default: true when canary-header is set). */
  pinCanary: boolean
}

export type MetricCheck = PrometheusCheck | CloudWatchCheck | HttpCheck

const COMMON = [
  'name',
  'provider',
  'max',
  'min',
  'compare',
  'failure-limit',
  'on-no-data',
  'min-samples',
  'canary',
  'stable',
]
const KEYS: Record<Provider, string[]> = {
  prometheus: [...COMMON, 'query', 'stable-query'],
  cloudwatch: [...COMMON, 'namespace', 'metric', 'dimensions', 'stable-dimensions', 'stat', 'period', 'region'],
  http: [...COMMON, 'url', 'method', 'headers', 'body', 'expect', 'pin-canary'],
}
export const HTTP_REQUEST_KEYS = ['name', 'url', 'method', 'headers', 'body', 'expect'] as const

const FORM = 'a YAML list of checks, each with name, provider (prometheus, cloudwatch or http) and its fields'
const STAT = /^(SampleCount|Average|Sum|Minimum|Maximum|p\d{1,2}(\.\d+)?|tm\d{1,2}|IQM)$/

class Fail extends Error {}

/** Parses the `metrics` input text; `source` names where it came from in messages. */
export function parseMetrics(text: string, source = ''): MetricCheck[] {
  const at = (line: number) => `${source ? `${source} ` : ''}line ${line}`
  if (!text.trim()) return []
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  const first = doc.errors[0]
  if (first) {
    const line = first.linePos?.[0]?.line ?? lineCounter.linePos(first.pos[0]).line
    const why = first.message.split('\n')[0]
    throw new ConfigurationError('metrics', `${FORM}; ${at(line)}: not valid YAML (${why})`)
  }
  if (!isSeq(doc.contents)) throw new ConfigurationError('metrics', `${FORM}; ${source || 'the YAML'} is not a list`)
  const checks: MetricCheck[] = []
  const names = new Set<string>()
  for (const node of doc.contents.items) {
    const line = lineCounter.linePos((node as unknown as { range?: [number] }).range?.[0] ?? 0).line
    const where = at(line)
    if (!isMap(node)) throw new ConfigurationError('metrics', `${FORM}; ${where}: expected a mapping`)
    let check: MetricCheck
    try {
      check = parseCheck(node.toJSON() as Record<string, unknown>, line)
    } catch (error) {
      if (error instanceof Fail) throw new ConfigurationError('metrics', `${where}: ${error.message}`)
      throw error
    }
    if (names.has(check.name)) throw new ConfigurationError('metrics', `${where}: a second check named "${check.name}"`)
    names.add(check.name)
    checks.push(check)
  }
  return checks
}

function parseCheck(item: Record<string, unknown>, line: number): MetricCheck {
  const name = str(item, 'name')
  if (!name) throw new Fail('name is required')
  const what = `check "${name}"`
  const provider = item.provider
  if (typeof provider !== 'string' || !(PROVIDERS as readonly string[]).includes(provider)) {
    throw new Fail(`${what}: provider: expected one of ${PROVIDERS.join(', ')}, got "${String(provider ?? '')}"`)
  }
  const p = provider as Provider
  for (const key of Object.keys(item)) {
    if (!KEYS[p].includes(key))
      throw new Fail(`${what}: unknown key "${key}"; accepted for ${p}: ${KEYS[p].join(', ')}`)
  }
  const threshold: Threshold = {}
  const max = num(item, 'max', what)
  const min = num(item, 'min', what)
  if (max !== undefined) threshold.max = max
  if (min !== undefined) threshold.min = min
  if (item.compare !== undefined) threshold.compare = parseComparison(String(item.compare), what)
  const base: CheckBase = {
    name,
    line,
    threshold,
    failureLimit: int(item, 'failure-limit', what, 0),
    onNoData: oneOf(item, 'on-no-data', ON_NO_DATA, 'fail', what),
    minSamples: int(item, 'min-samples', what, 1, 1),
    ...(str(item, 'canary') ? { canaryValue: str(item, 'canary') } : {}),
    ...(str(item, 'stable') ? { stableValue: str(item, 'stable') } : {}),
  }
  if (p === 'http') {
    const request = Object.fromEntries(
      Object.entries(item).filter(([k]) => (HTTP_REQUEST_KEYS as readonly string[]).includes(k)),
    )
    if (typeof item.url !== 'string' || !item.url.trim()) throw new Fail(`${what}: url is required`)
    if (threshold.compare) throw new Fail(`${what}: compare is not available for http checks (use expect)`)
    const pin = item['pin-canary']
    if (pin !== undefined && typeof pin !== 'boolean') throw new Fail(`${what}: pin-canary: expected true or false`)
    return { ...base, provider: 'http', request, pinCanary: pin ?? true }
  }
  if (max === undefined && min === undefined && !threshold.compare) {
    throw new Fail(`${what}: a threshold is required: max, min, or compare (like canary <= stable * 1.1 + 0.01)`)
  }
  if (p === 'prometheus') {
    const query = str(item, 'query')
    if (!query) throw new Fail(`${what}: query (PromQL) is required`)
    const stableQuery = str(item, 'stable-query')
    if (stableQuery && !threshold.compare) throw new Fail(`${what}: stable-query is only used with compare`)
    return { ...base, provider: 'prometheus', query, ...(stableQuery ? { stableQuery } : {}) }
  }
  const namespace = str(item, 'namespace')
  const metric = str(item, 'metric')
  if (!namespace || !metric) throw new Fail(`${what}: namespace and metric are required for cloudwatch`)
  const stat = str(item, 'stat') || 'Average'
  if (!STAT.test(stat))
    throw new Fail(`${what}: stat: expected Average, Sum, Minimum, Maximum, SampleCount or pNN, got "${stat}"`)
  const periodRaw = item.period === undefined ? '60s' : String(item.period)
  const periodMs = /^\d+$/.test(periodRaw) ? Number(periodRaw) * 1000 : durationMs(periodRaw)
  if (periodMs === undefined || periodMs < 1000 || periodMs % 1000 !== 0) {
    throw new Fail(`${what}: period: expected whole seconds like 60s or 1m, got "${periodRaw}"`)
  }
  return {
    ...base,
    provider: 'cloudwatch',
    namespace,
    metric,
    dimensions: dims(item, 'dimensions', what) ?? {},
    ...(dims(item, 'stable-dimensions', what) ? { stableDimensions: dims(item, 'stable-dimensions', what) } : {}),
    stat,
    periodS: periodMs / 1000,
    ...(str(item, 'region') ? { region: str(item, 'region') } : {}),
  }
}

const COMPARE = /^canary\s*(<=|<|>=|>)\s*stable(?:\s*\*\s*(\d+(?:\.\d+)?))?(?:\s*([+-])\s*(\d+(?:\.\d+)?))?$/

export function parseComparison(text: string, what: string): Comparison {
  const m = COMPARE.exec(text.trim())
  if (!m) throw new Fail(`${what}: compare: expected a form like "canary <= stable * 1.1 + 0.01", got "${text}"`)
  const offset = m[4] ? Number(m[4]) * (m[3] === '-' ? -1 : 1) : 0
  return {
    op: m[1] as Comparison['op'],
    factor: m[2] ? Number(m[2]) : 1,
    offset,
    text: text.trim().replace(/\s+/g, ' '),
  }
}

function str(item: Record<string, unknown>, key: string): string {
  const v = item[key]
  if (v === undefined || v === null) return ''
  if (typeof v === 'object') throw new Fail(`${key}: expected text`)
  return String(v).trim()
}

function num(item: Record<string, unknown>, key: string, what: string): number | undefined {
  const v = item[key]
  if (v === undefined || v === null) return undefined
  const n = typeof v === 'number' ? v : Number(String(v).trim())
  if (typeof v === 'boolean' || !Number.isFinite(n) || String(v).trim() === '')
    throw new Fail(`${what}: ${key}: expected a number, got "${String(v)}"`)
  return n
}

function int(item: Record<string, unknown>, key: string, what: string, fallback: number, min = 0): number {
  const v = item[key]
  if (v === undefined || v === null) return fallback
  if (!/^\d+$/.test(String(v)) || Number(v) < min)
    throw new Fail(`${what}: ${key}: expected a whole number of at least ${min}, got "${String(v)}"`)
  return Number(v)
}

function oneOf<T extends string>(
  item: Record<string, unknown>,
  key: string,
  allowed: readonly T[],
  fallback: T,
  what: string,
): T {
  const v = item[key]
  if (v === undefined || v === null) return fallback
  if (!(allowed as readonly string[]).includes(String(v)))
    throw new Fail(`${what}: ${key}: expected one of ${allowed.join(', ')}, got "${String(v)}"`)
  return String(v) as T
}

function dims(item: Record<string, unknown>, key: string, what: string): Record<string, string> | undefined {
  const v = item[key]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'object' || Array.isArray(v))
    throw new Fail(`${what}: ${key}: expected a mapping like {Service: backend}`)
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)]))
}

/** `{{canary}}`, `{{stable}}` and `{{namespace}}` replaced. */
export function substitute(text: string, values: { canary: string; stable: string; namespace: string }): string {
  return text.replace(
    /\{\{\s*(canary|stable|namespace)\s*\}\}/g,
    (_, k: 'canary' | 'stable' | 'namespace') => values[k],
  )
}

/** The threshold in words, for the summary: `≤ 0.01`, `canary <= stable * 1.1 + 0.01`. */
export function describeThreshold(t: Threshold): string {
  const parts: string[] = []
  if (t.max !== undefined) parts.push(`≤ ${t.max}`)
  if (t.min !== undefined) parts.push(`≥ ${t.min}`)
  if (t.compare) parts.push(t.compare.text)
  return parts.join(', ') || 'expect'
}
