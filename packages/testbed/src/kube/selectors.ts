// Label selectors (the string form of list/watch queries and LabelSelector objects) and field selectors.
import { badRequest } from './status.ts'
import type { KObj } from './types.ts'

export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!' }
  | { key: string; op: '=' | '!='; values: [string] }

export type Selector = Requirement[]

/** Parses `app=web,tier!=db,env in (a,b),!legacy,release` (labels.Parse). */
export function parseLabelSelector(text: string | null | undefined): Selector {
  const out: Selector = []
  const s = (text ?? '').trim()
  if (!s) return out
  let i = 0
  const skip = () => {
    while (s[i] === ' ') i++
  }
  const word = () => {
    skip()
    const start = i
    while (i < s.length && !' ,=!()'.includes(s[i]!)) i++
    return s.slice(start, i)
  }
  while (i < s.length) {
    skip()
    if (s[i] === '!') {
      i++
      const key = word()
      if (!key) throw badRequest(`unable to parse requirement: found '!' without a key in "${s}"`)
      out.push({ key, op: '!' })
    } else {
      const key = word()
      if (!key) throw badRequest(`unable to parse requirement: expected a key in "${s}"`)
      skip()
      const rest = s.slice(i)
      if (rest.startsWith('!=')) {
        i += 2
        out.push({ key, op: '!=', values: [word()] })
      } else if (rest.startsWith('==')) {
        i += 2
        out.push({ key, op: '=', values: [word()] })
      } else if (rest.startsWith('=')) {
        i += 1
        out.push({ key, op: '=', values: [word()] })
      } else if (/^(in|notin)\s*\(/.test(rest)) {
        const op = rest.startsWith('notin') ? 'notin' : 'in'
        i = s.indexOf('(', i) + 1
        const close = s.indexOf(')', i)
        if (close < 0) throw badRequest(`unable to parse requirement: missing ')' in "${s}"`)
        const values = s
          .slice(i, close)
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== '')
        i = close + 1
        out.push({ key, op, values })
      } else {
        out.push({ key, op: 'exists' })
      }
    }
    skip()
    if (i < s.length) {
      if (s[i] !== ',') throw badRequest(`unable to parse requirement: unexpected "${s.slice(i)}" in "${s}"`)
      i++
      if (s.slice(i).trim() === '')
        throw badRequest(`unable to parse requirement: found '', expected: identifier in "${s}"`)
    }
  }
  return out
}

/** metav1.LabelSelector (matchLabels + matchExpressions) as requirements. */
export function fromLabelSelector(selector: KObj | undefined | null): Selector {
  const out: Selector = []
  if (!selector) return out
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    out.push({ key, op: '=', values: [String(value)] })
  for (const e of selector.matchExpressions ?? []) {
    switch (e.operator) {
      case 'In':
        out.push({ key: e.key, op: 'in', values: e.values ?? [] })
        break
      case 'NotIn':
        out.push({ key: e.key, op: 'notin', values: e.values ?? [] })
        break
      case 'Exists':
        out.push({ key: e.key, op: 'exists' })
        break
      case 'DoesNotExist':
        out.push({ key: e.key, op: '!' })
        break
      default:
        throw badRequest(`"${e.operator}" is not a valid label selector operator`)
    }
  }
  return out
}

export function matchesLabels(selector: Selector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {}
  return selector.every((r) => {
    const has = Object.hasOwn(l, r.key)
    const v = l[r.key]
    switch (r.op) {
      case '=':
        return has && v === r.values[0]
      case '!=':
        return !has || v !== r.values[0]
      case 'in':
        return has && r.values.includes(v!)
      case 'notin':
        return !has || !r.values.includes(v!)
      case 'exists':
        return has
      case '!':
        return !has
    }
    return false
  })
}

/** metav1.FormatLabelSelector: `app=web,tier in (a,b)`, as Scale.status.selector and kubectl print it. */
export function formatSelector(selector: Selector): string {
  return selector
    .map((r) => {
      switch (r.op) {
        case '=':
          return `${r.key}=${r.values[0]}`
        case '!=':
          return `${r.key}!=${r.values[0]}`
        case 'in':
        case 'notin':
          return `${r.key} ${r.op} (${[...r.values].sort().join(',')})`
        case 'exists':
          return r.key
        case '!':
          return `!${r.key}`
      }
      return ''
    })
    .join(',')
}

export interface FieldRequirement {
  field: string
  op: '=' | '!='
  value: string
}

/** `metadata.name=web,status.phase!=Running` (fields.ParseSelector). */
export function parseFieldSelector(text: string | null | undefined): FieldRequirement[] {
  const s = (text ?? '').trim()
  if (!s) return []
  return splitUnescaped(s).map((part) => {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(part.trim())
    if (!m) throw badRequest(`invalid selector: '${s}'; can't understand '${part}'`)
    return { field: m[1]!.trim(), op: m[2] === '!=' ? '!=' : '=', value: m[3]!.replace(/\\(.)/g, '$1') }
  })
}

function splitUnescaped(s: string): string[] {
  const parts: string[] = []
  let current = ''
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      current += s[i]! + s[i + 1]!
      i++
    } else if (s[i] === ',') {
      parts.push(current)
      current = ''
    } else current += s[i]!
  }
  parts.push(current)
  return parts
}

/** The value of a dotted field path (`involvedObject.name`, `status.phase`) as a field selector sees it. */
export function fieldValue(obj: KObj, field: string): string {
  if (field === 'source' && obj.kind === 'Event') return obj.source?.component ?? ''
  let cur: unknown = obj
  for (const part of field.split('.')) {
    if (cur === null || typeof cur !== 'object') return ''
    cur = (cur as KObj)[part]
  }
  if (cur === undefined || cur === null) return ''
  return String(cur)
}

export function matchesFields(reqs: FieldRequirement[], obj: KObj): boolean {
  return reqs.every((r) => (fieldValue(obj, r.field) === r.value) === (r.op === '='))
}

/** The field labels each kind's registry accepts in a field selector (metadata.name and metadata.namespace everywhere). */
const FIELD_LABELS: Record<string, string[]> = {
  Pod: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.podIPs',
    'status.nominatedNodeName',
  ],
  Event: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  ReplicaSet: ['status.replicas'],
  Job: ['status.successful'],
  Namespace: ['status.phase'],
  Secret: ['type'],
  Node: ['spec.unschedulable'],
  Service: ['spec.clusterIP', 'spec.type'],
}

/** 400 `field label not supported: x` for a field the kind cannot be selected by, as the real registry answers. */
export function checkFieldLabels(kind: string, reqs: FieldRequirement[]): FieldRequirement[] {
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(FIELD_LABELS[kind] ?? [])])
  return reqs.map((r) => {
    if (!allowed.has(r.field)) throw badRequest(`field label not supported: ${r.field}`)
    return kind === 'Job' && r.field === 'status.successful' ? { ...r, field: 'status.succeeded' } : r
  })
}
