// How an ALB managed by the AWS Load Balancer Controller decides whether one Ingress path takes a
// request. Pure.
//
// Upstream behaviour followed (aws-load-balancer-controller, pkg/ingress):
// - model_build_listener_rules.go sortIngressPaths: within one Ingress rule, Exact paths first,
//   then Prefix paths longest first (a stable sort, so equal paths keep their order: the router's
//   header pin placed before its plain path stays before it), then ImplementationSpecific paths
//   in their order; listener rule priorities follow that order, and the first matching rule wins.
// - buildRuleConditions: the path becomes a path-pattern (`/` → `/*`; Prefix `/foo` → `/foo` and
//   `/foo/*`; Exact as written; ImplementationSpecific as an ALB pattern), the rule host a
//   host-header. `alb.ingress.kubernetes.io/conditions.<service>` (config_types.go RuleCondition,
//   read for every path whose backend is that Service, use-annotation or not) adds its
//   host-header and path-pattern values to those lists (any one matches), while http-header,
//   http-request-method, query-string and source-ip become conditions of their own, all of
//   which must match (enhanced_backend_builder.go buildConditions; unknown fields are ignored).
// - ELB's RuleCondition: host-header, http-header and query-string compare case-insensitively,
//   path-pattern case-sensitively, each with `*` (any run) and `?` (one character); one
//   condition's values match if any one does; the method compares exactly; source-ip takes CIDRs.

import type { KObj } from '../kube/types.ts'
import type { EmulatedRequest } from './routing.ts'

export const ALB_PREFIX = 'alb.ingress.kubernetes.io/'
const CONDITIONS = `${ALB_PREFIX}conditions.`
/** Where the emulator's requests come from (its load runs on loopback), for `source-ip`. */
export const EMULATOR_SOURCE_IP = '127.0.0.1'

/** One Ingress path as the ALB sees it. */
export interface AlbPath {
  host?: string
  /** Absent: no path condition (the rule matches any path unless a path-pattern narrows it). */
  path?: string
  pathType: string
  service: string
}

/** Whether the AWS LBC builds this Ingress's rules (its class, or an annotation of its own). */
export function isAlbIngress(ing: KObj): boolean {
  const annotations: Record<string, string> = ing.metadata?.annotations ?? {}
  return (
    ing.spec?.ingressClassName === 'alb' ||
    annotations['kubernetes.io/ingress.class'] === 'alb' ||
    Object.keys(annotations).some((k) => k.startsWith(ALB_PREFIX))
  )
}

const rank = (pathType: string) => (pathType === 'Exact' ? 0 : pathType === 'Prefix' ? 1 : 2)

/** One rule's paths in the controller's priority order (see sortIngressPaths above). */
export function albOrder<T extends AlbPath>(paths: T[]): T[] {
  return paths
    .map((p, i) => ({ p, i }))
    .sort((a, b) => {
      const r = rank(a.p.pathType) - rank(b.p.pathType)
      if (r !== 0) return r
      if (rank(a.p.pathType) === 1) {
        const d = (b.p.path ?? '').length - (a.p.path ?? '').length
        if (d !== 0) return d
      }
      return a.i - b.i
    })
    .map(({ p }) => p)
}

/** ELB's wildcard match: `*` any run, `?` one character, the rest literal. */
export function albPatternMatches(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's').test(value)
}

/** The path patterns buildPathPatterns makes of an Ingress path. */
function pathPatterns(p: AlbPath): string[] {
  if (p.path === undefined || p.path === '') return []
  if (p.pathType === 'Prefix') {
    if (p.path === '/') return ['/*']
    const trimmed = p.path.endsWith('/') ? p.path.slice(0, -1) : p.path
    return [trimmed, `${trimmed}/*`]
  }
  return [p.path]
}

function ipv4(s: string): number | undefined {
  const parts = s.split('.')
  if (parts.length !== 4 || parts.some((x) => !/^\d{1,3}$/.test(x) || Number(x) > 255)) return undefined
  return parts.reduce((n, x) => n * 256 + Number(x), 0)
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, bits = '32'] = cidr.split('/')
  const a = ipv4(ip)
  const b = ipv4(net ?? '')
  const n = Number(bits)
  if (a === undefined || b === undefined || !Number.isInteger(n) || n < 0 || n > 32) return false
  const size = 2 ** (32 - n)
  return Math.floor(a / size) === Math.floor(b / size)
}

function queryPairs(path: string): Array<[string, string]> {
  const q = path.indexOf('?')
  return q < 0 ? [] : [...new URLSearchParams(path.slice(q + 1)).entries()]
}

/** A conditions annotation the controller would refuse (it then leaves the listener's rules as they were). */
export class AlbConditionsError extends Error {}

interface Condition {
  field?: string
  [config: string]: unknown
}

/** The parsed `conditions.<service>` annotation (none: `[]`); throws AlbConditionsError as the controller would. */
export function albConditions(ing: KObj, service: string): Condition[] {
  const key = `${CONDITIONS}${service}`
  const raw: string | undefined = ing.metadata?.annotations?.[key]
  if (raw === undefined) return []
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw new AlbConditionsError(`${key} is not JSON`)
  }
  if (!Array.isArray(parsed)) throw new AlbConditionsError(`${key} is not a list of conditions`)
  const configs: Record<string, string> = {
    'host-header': 'hostHeaderConfig',
    'path-pattern': 'pathPatternConfig',
    'http-header': 'httpHeaderConfig',
    'http-request-method': 'httpRequestMethodConfig',
    'query-string': 'queryStringConfig',
    'source-ip': 'sourceIPConfig',
  }
  for (const c of parsed as Condition[]) {
    const config = configs[String(c?.field)]
    if (!config) continue // RuleCondition.Validate lets an unknown field through; the builder ignores it
    const values = (c[config] as KObj | undefined)?.values
    if (!Array.isArray(values) || values.length === 0)
      throw new AlbConditionsError(`${key}: ${c.field} needs ${config}.values`)
  }
  return parsed as Condition[]
}

/** Whether the ALB rule built from this path (and its Service's conditions) takes the request. */
export function albRuleMatches(p: AlbPath, conditions: Condition[], req: EmulatedRequest): boolean {
  const values = (c: Condition, config: string): unknown[] => (c[config] as { values: unknown[] }).values
  const strings = (c: Condition, config: string) => values(c, config).map(String)
  const hosts = [...(p.host ? [p.host] : [])]
  const paths = pathPatterns(p)
  const own: Condition[] = []
  for (const c of conditions) {
    if (c.field === 'host-header') hosts.push(...strings(c, 'hostHeaderConfig'))
    else if (c.field === 'path-pattern') paths.push(...strings(c, 'pathPatternConfig'))
    else own.push(c)
  }
  // The emulator sends no Host of its own when none is given: then any host matches.
  if (hosts.length && req.host && !hosts.some((h) => albPatternMatches(h, req.host!, true))) return false
  const path = req.path.split('?')[0]!
  if (paths.length && !paths.some((pattern) => albPatternMatches(pattern, path, false))) return false
  const headers = Object.entries(req.headers)
  return own.every((c) => {
    switch (c.field) {
      case 'http-header': {
        const name = String((c.httpHeaderConfig as KObj).httpHeaderName).toLowerCase()
        const sent = headers.filter(([k]) => k.toLowerCase() === name).map(([, v]) => v)
        return sent.some((v) => strings(c, 'httpHeaderConfig').some((want) => albPatternMatches(want, v, true)))
      }
      case 'http-request-method':
        return strings(c, 'httpRequestMethodConfig').includes(req.method)
      case 'query-string': {
        const pairs = queryPairs(req.path)
        return (values(c, 'queryStringConfig') as Array<{ key?: string; value?: string }>).some((want) =>
          pairs.some(
            ([k, v]) =>
              (want.key === undefined || albPatternMatches(String(want.key), k, true)) &&
              albPatternMatches(String(want.value), v, true),
          ),
        )
      }
      case 'source-ip':
        return strings(c, 'sourceIPConfig').some((cidr) => inCidr(EMULATOR_SOURCE_IP, cidr))
      default:
        return true
    }
  })
}
