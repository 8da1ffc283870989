// Reads a release plan (YAML) and checks it against the schema, walking yaml's document nodes so
// every mistake names its line and field (`release.yaml:12: kubernetes.steps[1]: expected an
// integer 1-100, got "fifty"`). All mistakes are reported at once, before anything runs.
import { ConfigurationError, durationMs, editDistance } from '@deploy-actions/kit'
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml'
import { type FieldSpec, PLAN } from './schema.ts'
import type { Plan } from './types.ts'

export class PlanError extends ConfigurationError {
  readonly problems: string[]
  constructor(file: string, problems: string[]) {
    super('plan', `${file} is not a valid release plan:\n  ${problems.join('\n  ')}`)
    this.problems = problems
  }
}

interface Walk {
  file: string
  lines: LineCounter
  problems: string[]
}

function lineOf(w: Walk, node: Node | null | undefined): number {
  const offset = node?.range?.[0]
  return offset === undefined ? 1 : w.lines.linePos(offset).line
}

function problem(w: Walk, node: Node | null | undefined, path: string, text: string): void {
  w.problems.push(`${w.file}:${lineOf(w, node)}: ${path}: ${text}`)
}

function shown(node: Node | null | undefined): string {
  if (node === null || node === undefined) return 'nothing'
  if (isMap(node)) return 'a map'
  if (isSeq(node)) return 'a list'
  if (isScalar(node)) return node.value === null ? 'nothing' : JSON.stringify(node.value)
  return 'an alias'
}

const FORMS: Record<string, (s: FieldSpec) => string> = {
  string: (s) => (s.kind === 'string' && s.form) || 'a string',
  bool: () => 'true or false',
  int: (s) =>
    s.kind === 'int'
      ? `an integer${s.min !== undefined ? ` ${s.min}${s.max !== undefined ? `-${s.max}` : ' or more'}` : ''}`
      : '',
  duration: () => 'a duration like 30s, 5m or 1h',
  enum: (s) => (s.kind === 'enum' ? `one of ${s.values.join(', ')}` : ''),
  strings: () => 'a string or a list of strings',
  map: () => 'a map of names to values',
  list: () => 'a list',
  object: () => 'a map',
  any: (s) => (s.kind === 'any' ? s.form : ''),
}
const formOf = (spec: FieldSpec): string => FORMS[spec.kind]!(spec)

function scalarOk(node: Node | null | undefined, spec: FieldSpec): boolean {
  if (!isScalar(node)) return false
  const v = node.value
  switch (spec.kind) {
    case 'string':
      return (typeof v === 'string' || typeof v === 'number') && (!spec.pattern || spec.pattern.test(String(v)))
    case 'bool':
      return typeof v === 'boolean'
    case 'int':
      return (
        typeof v === 'number' &&
        Number.isInteger(v) &&
        (spec.min === undefined || v >= spec.min) &&
        (spec.max === undefined || v <= spec.max)
      )
    case 'duration':
      return (typeof v === 'string' && durationMs(v) !== undefined) || v === 0
    case 'enum':
      return typeof v === 'string' && spec.values.includes(v)
    default:
      return false
  }
}

function check(w: Walk, node: Node | null | undefined, spec: FieldSpec, path: string): void {
  const bad = () => problem(w, node, path, `expected ${formOf(spec)}, got ${shown(node)}`)
  switch (spec.kind) {
    case 'any':
      return
    case 'strings':
      if (isSeq(node)) {
        for (const [i, item] of node.items.entries()) check(w, item as Node, { kind: 'string' }, `${path}[${i}]`)
      } else if (!scalarOk(node, { kind: 'string' })) bad()
      return
    case 'map':
      if (!isMap(node)) {
        bad()
        return
      }
      for (const pair of node.items) {
        const key = String(isScalar(pair.key) ? pair.key.value : pair.key)
        const value = pair.value as Node | null
        if (!isScalar(value) || value.value === null || typeof value.value === 'object') {
          problem(
            w,
            value ?? (pair.key as Node),
            `${path}.${key}`,
            `expected a string, number or boolean, got ${shown(value)}`,
          )
        }
      }
      return
    case 'list':
      if (!isSeq(node)) {
        bad()
        return
      }
      if (spec.min !== undefined && node.items.length < spec.min) {
        problem(w, node, path, `expected at least ${spec.min} item${spec.min === 1 ? '' : 's'}`)
      }
      for (const [i, item] of node.items.entries()) check(w, item as Node, spec.of, `${path}[${i}]`)
      return
    case 'object':
      checkObject(w, node, spec, path)
      return
    default:
      if (!scalarOk(node, spec)) bad()
  }
}

function checkObject(w: Walk, node: Node | null | undefined, spec: FieldSpec & { kind: 'object' }, path: string) {
  const at = (key: string) => (path ? `${path}.${key}` : key)
  if (!isMap(node)) {
    problem(w, node, path || '(top level)', `expected a map, got ${shown(node)}`)
    return
  }
  const seen = new Set<string>()
  for (const pair of node.items) {
    const key = String(isScalar(pair.key) ? pair.key.value : pair.key)
    seen.add(key)
    const field = spec.fields[key]
    if (!field) {
      const known = Object.keys(spec.fields)
      const close = known.filter((k) => editDistance(k, key) <= 2)
      problem(
        w,
        pair.key as Node,
        at(key),
        `unknown field${close.length ? ` (did you mean ${close.join(' or ')}?)` : ''}; known fields: ${known.join(', ')}`,
      )
      continue
    }
    check(w, pair.value as Node, field, at(key))
  }
  for (const key of spec.required ?? []) {
    if (!seen.has(key)) problem(w, node, at(key), 'required field missing')
  }
}

/** `${version}` in any string of the plan becomes the release's version. */
function interpolate<T>(value: T, version: string): T {
  if (typeof value === 'string') return value.replaceAll('${version}', version) as T
  if (Array.isArray(value)) return value.map((v) => interpolate(v, version)) as T
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, version)])) as T
  }
  return value
}

/** Rules across fields, found after the shape is right. */
function crossChecks(w: Walk, doc: ReturnType<typeof parseDocument>, plan: Plan): void {
  const nodeAt = (...path: string[]) => doc.getIn(path, true) as Node | undefined
  const db = plan.database
  if (db?.instance && db.cluster) {
    problem(w, nodeAt('database', 'cluster'), 'database.cluster', 'give instance or cluster, not both')
  }
  if (db?.url && db['url-env']) {
    problem(w, nodeAt('database', 'url-env'), 'database.url-env', 'give url or url-env, not both')
  }
  if (db && !db.instance && !db.cluster && !db.url && !db['url-env']) {
    problem(
      w,
      nodeAt('database'),
      'database',
      'names neither a database to snapshot (instance, cluster) nor one to migrate (url, url-env)',
    )
  }
  const k = plan.kubernetes
  if (k && !plan.image && !k.image) {
    problem(
      w,
      nodeAt('kubernetes'),
      'kubernetes.image',
      'required when the plan has no image section (what to roll out)',
    )
  }
  if (k?.router === 'gateway-api' && !k['http-route']) {
    problem(w, nodeAt('kubernetes', 'router'), 'kubernetes.http-route', 'required with router gateway-api')
  }
  if ((k?.router === 'alb' || k?.router === 'nginx') && !k.ingress) {
    problem(w, nodeAt('kubernetes', 'router'), 'kubernetes.ingress', `required with router ${k.router}`)
  }
  const steps = k?.steps ?? []
  if (steps.length && steps[steps.length - 1] !== 100) {
    problem(
      w,
      nodeAt('kubernetes', 'steps'),
      'kubernetes.steps',
      'the last step must be 100 (the canary takes all traffic before promotion)',
    )
  }
  if (steps.some((s, i) => i > 0 && s <= steps[i - 1]!)) {
    problem(w, nodeAt('kubernetes', 'steps'), 'kubernetes.steps', 'expected increasing weights like [10, 50, 100]')
  }
  const smoke = plan.smoke
  if (smoke && !smoke.urls && !smoke.checks) {
    problem(w, nodeAt('smoke'), 'smoke', 'expected urls or checks')
  }
  if (!plan.image && !plan.database && !plan.kubernetes && !plan.smoke && !plan.frontends?.length) {
    problem(
      w,
      doc.contents as Node,
      '(top level)',
      'the plan does nothing: give at least one of image, database, kubernetes, smoke, frontends',
    )
  }
}

/**
 * Parses and checks a plan. `file` names it in errors; the release's version replaces
 * `${version}`: the one given (`--version`) wins over the plan's `version:`, which wins over the
 * fallback (the runner's ref).
 */
export function parsePlan(text: string, file: string, versions: { given?: string; fallback: string }): Plan {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const w: Walk = { file, lines, problems: [] }
  for (const e of doc.errors) {
    w.problems.push(`${file}:${e.linePos?.[0]?.line ?? 1}: ${e.message.split('\n')[0]}`)
  }
  if (w.problems.length) throw new PlanError(file, w.problems)
  check(w, doc.contents as Node, PLAN, '')
  if (w.problems.length) throw new PlanError(file, w.problems)
  const raw = doc.toJS() as Plan
  const version = versions.given || raw.version || versions.fallback
  const resolved = interpolate(raw, version)
  resolved.version = version
  crossChecks(w, doc, resolved)
  if (w.problems.length) throw new PlanError(file, w.problems)
  return resolved
}
