// The check model: which request to make and what a healthy answer looks like, parsed from YAML
// check entries (name, url, method, headers, body, expect), and the evaluation of one answer.
// Pure: no I/O, no @actions/*.
import {
  ConfigurationError,
  durationMs,
  formatStatusSet,
  parseHeaders,
  parseStatusSet,
  redactUrl,
  type StatusSet,
  statusMatches,
} from '@deploy-actions/kit'
import { parse as parseYaml } from 'yaml'
import { formatJsonPath, type JsonPath, parseJsonPath, readJsonPath } from './json-path.ts'

export interface JsonAssertion {
  /** As written (`$.status`), for messages. */
  path: string
  segments: JsonPath
  expected: unknown
}

export interface Expectation {
  status: StatusSet
  json: JsonAssertion[]
  body?: RegExp
  maxLatencyMs?: number
}

export interface Check {
  name: string
  method: string
  url: string
  /** The URL safe to print (a password in it replaced). */
  displayUrl: string
  headers: Record<string, string>
  body?: string
  expect: Expectation
}

/** What the action-level inputs give every check that does not say otherwise. */
export interface CheckDefaults {
  status: StatusSet
  body?: RegExp
  headers: Record<string, string>
}

/** An HTTP header name (RFC 9110 token). */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

export const CHECK_KEYS = ['name', 'url', 'method', 'headers', 'body', 'expect'] as const
export const EXPECT_KEYS = ['status', 'json', 'body', 'max-latency'] as const
export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

const URL_FORM = 'an absolute http(s) URL like https://example.com/actuator/health'

export function parseUrl(input: string, raw: string): { url: string; displayUrl: string } {
  let u: URL
  try {
    u = new URL(raw.trim())
  } catch {
    // Never quote a credential: a rejected URL is shown with its userinfo replaced.
    throw new ConfigurationError(input, URL_FORM, redactUrl(raw))
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigurationError(input, URL_FORM, redactUrl(raw))
  return { url: u.href, displayUrl: redactUrl(u.href) }
}

const REGEX_FORM = 'a regular expression like "status.*UP" or /up/i'

/** A regex written plainly (`"UP"`) or as a literal with flags (`/up/i`). */
export function parseRegex(input: string, raw: string): RegExp {
  const literal = /^\/(.+)\/([dgimsuvy]*)$/s.exec(raw)
  try {
    return literal ? new RegExp(literal[1]!, literal[2]!.replace(/[gy]/g, '')) : new RegExp(raw)
  } catch {
    throw new ConfigurationError(input, REGEX_FORM, raw)
  }
}

const CHECKS_FORM =
  'a YAML list of checks (each: name, url, method, headers, body, expect: {status, json, body, max-latency}), inline or as a file path'

function fail(where: string, problem: string): never {
  throw new ConfigurationError('checks', `${where}: ${problem}`)
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Parses the YAML text of the `checks` input (`source` names where it came from, for messages). */
export function checksFromYaml(text: string, defaults: CheckDefaults, source = 'inline YAML'): Check[] {
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (error) {
    const first = String((error as Error).message).split('\n')[0]
    throw new ConfigurationError('checks', `${CHECKS_FORM}; ${source} is not valid YAML (${first})`)
  }
  if (isRecord(doc) && Object.keys(doc).length === 1 && 'checks' in doc) doc = doc.checks
  else if (isRecord(doc) && 'url' in doc) doc = [doc]
  if (!Array.isArray(doc) || doc.length === 0) {
    throw new ConfigurationError('checks', `${CHECKS_FORM}; ${source} is not a non-empty list`)
  }
  return doc.map((item, i) => checkFromYaml(item, i, defaults))
}

function checkFromYaml(item: unknown, index: number, defaults: CheckDefaults): Check {
  let where = `check ${index + 1}`
  if (typeof item === 'string') item = { url: item }
  if (!isRecord(item)) fail(where, `expected a mapping with keys ${CHECK_KEYS.join(', ')}`)
  if (typeof item.name === 'string' && item.name.trim()) where += ` ("${item.name.trim()}")`
  for (const key of Object.keys(item)) {
    if (!(CHECK_KEYS as readonly string[]).includes(key)) {
      fail(where, `unknown key "${key}"; accepted keys: ${CHECK_KEYS.join(', ')}`)
    }
  }
  if (typeof item.url !== 'string' || !item.url.trim()) fail(where, `url is required (${URL_FORM})`)
  const { url, displayUrl } = parseUrl(`checks: ${where}: url`, item.url)

  const method = item.method === undefined ? 'GET' : String(item.method).trim().toUpperCase()
  if (!(METHODS as readonly string[]).includes(method)) {
    fail(where, `method: expected one of ${METHODS.join(', ')}, got "${String(item.method)}"`)
  }

  const headers: Record<string, string> = { ...defaults.headers }
  if (item.headers !== undefined) {
    if (isRecord(item.headers)) {
      for (const [k, v] of Object.entries(item.headers)) {
        if (!HEADER_NAME.test(k)) fail(where, `headers: "${k}" is not a header name`)
        if (v === null || typeof v === 'object') fail(where, `headers: the value of ${k} must be a string`)
        setHeader(headers, k, String(v))
      }
    } else if (typeof item.headers === 'string') {
      for (const [k, v] of Object.entries(parseHeaders(`checks: ${where}: headers`, item.headers)))
        setHeader(headers, k, v)
    } else {
      fail(where, 'headers: expected a mapping of Name: value')
    }
  }

  let body: string | undefined
  if (item.body !== undefined && item.body !== null) {
    if (method === 'GET' || method === 'HEAD')
      fail(where, `body: a ${method} request cannot have a body; set method: POST (or PUT, PATCH)`)
    if (typeof item.body === 'string') body = item.body
    else {
      body = JSON.stringify(item.body)
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['Content-Type'] = 'application/json'
      }
    }
  }

  const expect: Expectation = { status: defaults.status, json: [], ...(defaults.body ? { body: defaults.body } : {}) }
  if (item.expect !== undefined && item.expect !== null) {
    const e = item.expect
    if (!isRecord(e)) fail(where, `expect: expected a mapping with keys ${EXPECT_KEYS.join(', ')}`)
    for (const key of Object.keys(e)) {
      if (!(EXPECT_KEYS as readonly string[]).includes(key)) {
        fail(where, `expect: unknown key "${key}"; accepted keys: ${EXPECT_KEYS.join(', ')}`)
      }
    }
    if (e.status !== undefined) {
      const raw = Array.isArray(e.status) ? e.status.join(',') : String(e.status)
      expect.status = parseStatusSet(`checks: ${where}: expect.status`, raw)
    }
    if (e.json !== undefined) {
      if (!isRecord(e.json)) fail(where, 'expect.json: expected a mapping of JSON path to value, like $.status: UP')
      for (const [path, expected] of Object.entries(e.json)) {
        const segments = parseJsonPath(path)
        if (!segments)
          fail(where, `expect.json: "${path}" is not a JSON path like $.status or $.components.db[0].status`)
        expect.json.push({ path: formatJsonPath(segments), segments, expected })
      }
    }
    if (e.body !== undefined) expect.body = parseRegex(`checks: ${where}: expect.body`, String(e.body))
    if (e['max-latency'] !== undefined) {
      const raw = e['max-latency']
      const ms = typeof raw === 'number' ? raw : durationMs(String(raw))
      if (ms === undefined || !(ms > 0))
        fail(where, `expect.max-latency: expected a duration like 500ms or 2s, got "${raw}"`)
      expect.maxLatencyMs = ms
    }
  }

  const name = typeof item.name === 'string' && item.name.trim() ? item.name.trim() : `${method} ${displayUrl}`
  return { name, method, url, displayUrl, headers, ...(body === undefined ? {} : { body }), expect }
}

/** Sets a header, replacing one of the same name in any case. */
function setHeader(headers: Record<string, string>, name: string, value: string): void {
  for (const k of Object.keys(headers)) if (k.toLowerCase() === name.toLowerCase()) delete headers[k]
  headers[name] = value
}

/** What happens on a redirect to another origin (scheme, host or port differ from the check's URL). */
export interface RedirectPolicy {
  /** `follow` with only the safe headers, or `refuse` (the attempt fails, naming the origin). */
  crossOrigin: 'follow' | 'refuse'
  /** Header names (any case) the user marked safe to send to another origin. */
  safeHeaders: readonly string[]
}

export const DEFAULT_REDIRECTS: RedirectPolicy = {
  crossOrigin: 'follow',
  safeHeaders: ['Accept', 'Accept-Language', 'Content-Type', 'User-Agent'],
}

/** A check that expects a 3xx sees the redirect itself; any other follows it. */
export function expectsRedirect(expect: Expectation): boolean {
  return expect.status.some(([lo, hi]) => lo <= 399 && hi >= 300)
}

// ── evaluation ──────────────────────────────────────────────────────────────────────────────

/** One HTTP answer, as observed. */
export interface Observation {
  status: number
  body: string
  latencyMs: number
}

export type Verdict = { ok: true } | { ok: false; kind: 'status' | 'json' | 'body' | 'latency'; reason: string }

export function evaluate(expect: Expectation, obs: Observation): Verdict {
  if (!statusMatches(expect.status, obs.status)) {
    const body = obs.body.trim() ? `: ${snippet(obs.body, 80)}` : ''
    return {
      ok: false,
      kind: 'status',
      reason: `HTTP ${obs.status} (expected ${formatStatusSet(expect.status)})${body}`,
    }
  }
  if (expect.json.length > 0) {
    let doc: unknown
    try {
      doc = JSON.parse(obs.body)
    } catch {
      return { ok: false, kind: 'json', reason: `HTTP ${obs.status}, body is not JSON: ${snippet(obs.body)}` }
    }
    for (const a of expect.json) {
      const found = readJsonPath(doc, a.segments)
      if (!found.found)
        return { ok: false, kind: 'json', reason: `${a.path} is missing (expected ${show(a.expected)})` }
      if (!jsonEquals(found.value, a.expected)) {
        return { ok: false, kind: 'json', reason: `${a.path} is ${show(found.value)} (expected ${show(a.expected)})` }
      }
    }
  }
  if (expect.body && !expect.body.test(obs.body)) {
    return {
      ok: false,
      kind: 'body',
      reason: `HTTP ${obs.status}, body does not match ${expect.body}: ${snippet(obs.body)}`,
    }
  }
  if (expect.maxLatencyMs !== undefined && obs.latencyMs > expect.maxLatencyMs) {
    return {
      ok: false,
      kind: 'latency',
      reason: `latency ${Math.round(obs.latencyMs)}ms over the ${expect.maxLatencyMs}ms limit`,
    }
  }
  return { ok: true }
}

/**
 * Equality for JSON assertions: scalars compare by their text (`UP` equals "UP", `200` equals
 * "200", `true` equals true), objects and arrays compare deeply.
 */
export function jsonEquals(actual: unknown, expected: unknown): boolean {
  const scalar = (v: unknown) => v === null || typeof v !== 'object'
  if (scalar(actual) && scalar(expected)) return String(actual) === String(expected)
  if (Array.isArray(actual) && Array.isArray(expected)) {
    return actual.length === expected.length && actual.every((v, i) => jsonEquals(v, expected[i]))
  }
  if (isRecord(actual) && isRecord(expected)) {
    const keys = Object.keys(expected)
    return (
      keys.length === Object.keys(actual).length && keys.every((k) => k in actual && jsonEquals(actual[k], expected[k]))
    )
  }
  return false
}

function show(v: unknown): string {
  return snippet(JSON.stringify(v) ?? String(v), 80)
}

/** The start of a body, on one line, for reasons. */
export function snippet(text: string, max = 120): string {
  const one = text.replace(/\s+/g, ' ').trim()
  if (!one) return '(empty)'
  return one.length > max ? `${one.slice(0, max)}…` : one
}
