// The data plane's view of the live routing objects: which Service a request goes to (HTTPRoute
// backendRef weights, the AWS Load Balancer Controller's forward action, ingress-nginx canary
// Ingresses, or a plain Service), then which pod (a Service's ready endpoints, evenly, as
// kube-proxy picks). Pure: a snapshot of API objects in, a probability per outcome out.
//
// Upstream behaviour followed:
// - Gateway API (apis/v1/httproute_types.go): the matching rule is chosen by precedence (Exact
//   path, longest prefix, method, most header matches, most query matches, then rule order);
//   backends get weight/sum of weights; all weights 0 gives a 500.
// - AWS LBC (ingress annotations docs): a path whose backend port is `use-annotation` takes the
//   action `alb.ingress.kubernetes.io/actions.<service name>`: `forward` with
//   `forwardConfig.targetGroups` (weight defaults to 1, as ELB's ForwardActionConfig does), or
//   `fixed-response`. Which path takes the request, with `alb.ingress.kubernetes.io/conditions.<service>`
//   (http-header and the rest) and the controller's path order, is alb-rules.ts.
// - ingress-nginx (canary annotations): a canary Ingress for the same host and path takes the
//   request by `canary-by-header` (`always`/`never`, or `canary-by-header-value`), then by
//   `canary-weight` out of `canary-weight-total` (default 100); one canary per host/path.

import type { KObj } from '../kube/types.ts'
import { AlbConditionsError, albConditions, albOrder, albRuleMatches, isAlbIngress } from './alb-rules.ts'

/** The API objects of one namespace the routing is read from. */
export interface RoutingSnapshot {
  pods: KObj[]
  endpoints: KObj[]
  ingresses: KObj[]
  httpRoute?: KObj
}

/** What to route: an HTTPRoute, an Ingress (alb action or nginx canary), or a Service alone. */
export interface RoutingTarget {
  service?: string
  httpRoute?: string
  ingress?: string
}

/** The emulated request. */
export interface EmulatedRequest {
  method: string
  path: string
  host?: string
  headers: Record<string, string>
}

/** One pod that serves, with its version and image tag. */
export interface PodBackend {
  pod: string
  service: string
  /** `canary` for pods of the canary track (label `track: canary`), else `stable`. */
  version: 'canary' | 'stable'
  image: string
  tag: string
}

export type Outcome =
  | { kind: 'pod'; backend: PodBackend; p: number }
  /** The load balancer answers itself: no endpoints (503), all weights 0 (500), a fixed response. */
  | { kind: 'status'; code: number; reason: string; p: number }

export interface Resolution {
  outcomes: Outcome[]
  /** Where the split came from, for messages (`httproute web rule 1: web=90 web-canary=10`). */
  via: string
}

/** The tag of an image reference (`repo/web:v2-errors@sha256:…` → `v2-errors`; none → `latest`). */
export function imageTag(image: string): string {
  const ref = image.split('@')[0]!
  const last = ref.slice(ref.lastIndexOf('/') + 1)
  const colon = last.indexOf(':')
  return colon < 0 ? 'latest' : last.slice(colon + 1)
}

function podBackend(pod: KObj, service: string): PodBackend {
  const image: string = pod.spec?.containers?.[0]?.image ?? ''
  return {
    pod: pod.metadata.name,
    service,
    version: pod.metadata?.labels?.track === 'canary' ? 'canary' : 'stable',
    image,
    tag: imageTag(image),
  }
}

/** A Service's ready endpoints as pods, each equally likely. */
function serviceOutcomes(snap: RoutingSnapshot, service: string, p: number): Outcome[] {
  const ep = snap.endpoints.find((e) => e.metadata?.name === service)
  const names = new Set<string>()
  for (const subset of ep?.subsets ?? []) {
    for (const a of subset.addresses ?? []) if (a.targetRef?.kind === 'Pod') names.add(a.targetRef.name)
  }
  const pods = snap.pods.filter((pod) => names.has(pod.metadata.name))
  if (pods.length === 0) return [{ kind: 'status', code: 503, reason: `service ${service} has no ready endpoints`, p }]
  return pods.map((pod) => ({ kind: 'pod', backend: podBackend(pod, service), p: p / pods.length }))
}

function split(snap: RoutingSnapshot, weighted: { service: string; weight: number }[], p: number): Outcome[] {
  const total = weighted.reduce((n, w) => n + w.weight, 0)
  if (total <= 0) return [{ kind: 'status', code: 500, reason: 'every backend has weight 0', p }]
  return weighted.filter((w) => w.weight > 0).flatMap((w) => serviceOutcomes(snap, w.service, (p * w.weight) / total))
}

// --- Gateway API ---------------------------------------------------------------------------

function headerMatches(matches: KObj[] | undefined, headers: Record<string, string>): boolean {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
  return (matches ?? []).every((m) => {
    const v = lower[String(m.name).toLowerCase()]
    if (v === undefined) return false
    return m.type === 'RegularExpression' ? new RegExp(m.value).test(v) : v === m.value
  })
}

function pathMatches(path: KObj | undefined, requestPath: string): boolean {
  const type = path?.type ?? 'PathPrefix'
  const value: string = path?.value ?? '/'
  if (type === 'Exact') return requestPath === value
  if (type === 'RegularExpression') return new RegExp(`^${value}$`).test(requestPath)
  // PathPrefix matches whole path elements: /foo matches /foo and /foo/bar, not /foobar.
  const prefix = value.endsWith('/') && value !== '/' ? value.slice(0, -1) : value
  return prefix === '/' || requestPath === prefix || requestPath.startsWith(`${prefix}/`)
}

function routeMatch(m: KObj, req: EmulatedRequest): boolean {
  if (!pathMatches(m.path, req.path)) return false
  if (m.method && m.method !== req.method) return false
  if (!headerMatches(m.headers, req.headers)) return false
  return (m.queryParams ?? []).length === 0
}

/** Precedence key of a match (higher wins), per HTTPRouteRule's documented tie-breaking. */
function precedence(m: KObj): number[] {
  const type = m.path?.type ?? 'PathPrefix'
  return [
    type === 'Exact' ? 1 : 0,
    type === 'PathPrefix' ? String(m.path?.value ?? '/').length : 0,
    m.method ? 1 : 0,
    (m.headers ?? []).length,
    (m.queryParams ?? []).length,
  ]
}

/** Lexicographic comparison of precedence keys; a tie keeps the earlier rule. */
function outranks(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! > b[i]!
  return false
}

function httpRouteOutcomes(snap: RoutingSnapshot, name: string, req: EmulatedRequest): Resolution {
  const route = snap.httpRoute
  if (!route)
    return {
      outcomes: [{ kind: 'status', code: 404, reason: `httproute ${name} not found`, p: 1 }],
      via: `httproute ${name}`,
    }
  const hostnames: string[] = route.spec?.hostnames ?? []
  if (
    req.host &&
    hostnames.length &&
    !hostnames.some((h) => h === req.host || (h.startsWith('*.') && req.host!.endsWith(h.slice(1))))
  ) {
    return {
      outcomes: [{ kind: 'status', code: 404, reason: `host ${req.host} not in httproute ${name}`, p: 1 }],
      via: `httproute ${name}`,
    }
  }
  let best: { rule: KObj; index: number; key: number[] } | undefined
  for (const [index, rule] of (route.spec?.rules ?? []).entries()) {
    for (const m of rule.matches ?? [{ path: { type: 'PathPrefix', value: '/' } }]) {
      if (!routeMatch(m, req)) continue
      const key = precedence(m)
      if (!best || outranks(key, best.key)) best = { rule, index, key }
    }
  }
  if (!best)
    return {
      outcomes: [{ kind: 'status', code: 404, reason: `no rule of httproute ${name} matches`, p: 1 }],
      via: `httproute ${name}`,
    }
  const refs: KObj[] = (best.rule.backendRefs ?? []).filter(
    (b: KObj) => (b.kind ?? 'Service') === 'Service' && !b.group,
  )
  const weighted = refs.map((b) => ({ service: b.name as string, weight: b.weight ?? 1 }))
  return {
    outcomes: weighted.length
      ? split(snap, weighted, 1)
      : [{ kind: 'status', code: 500, reason: 'rule has no backendRefs', p: 1 }],
    via: `httproute ${name} rule ${best.index}: ${weighted.map((w) => `${w.service}=${w.weight}`).join(' ')}`,
  }
}

// --- Ingress (alb action, nginx canary) ----------------------------------------------------------

interface IngressPath {
  host?: string
  path: string
  pathType: string
  service: string
  portName?: string
  /** The Ingress's defaultBackend (the ALB listener's default action: no conditions). */
  isDefault?: boolean
}

/** The Ingress's paths in the order its data plane tries them (an ALB's: per rule, alb-rules.ts albOrder). */
function ingressPaths(ing: KObj, alb = false): IngressPath[] {
  const out: IngressPath[] = []
  for (const rule of ing.spec?.rules ?? []) {
    const paths: IngressPath[] = []
    for (const p of rule.http?.paths ?? []) {
      const svc = p.backend?.service
      if (!svc?.name) continue
      paths.push({
        host: rule.host,
        path: p.path ?? '/',
        pathType: p.pathType ?? 'Prefix',
        service: svc.name,
        portName: svc.port?.name,
      })
    }
    out.push(...(alb ? albOrder(paths) : paths))
  }
  if (ing.spec?.defaultBackend?.service?.name) {
    const svc = ing.spec.defaultBackend.service
    out.push({ path: '/', pathType: 'Prefix', service: svc.name, portName: svc.port?.name, isDefault: true })
  }
  return out
}

function ingressPathMatches(p: IngressPath, req: EmulatedRequest): boolean {
  if (p.host && req.host && p.host !== req.host) return false
  if (p.pathType === 'Exact') return req.path === p.path
  return pathMatches({ type: 'PathPrefix', value: p.path }, req.path)
}

const ALB_ACTION = 'alb.ingress.kubernetes.io/actions.'
const NGINX = 'nginx.ingress.kubernetes.io/'

function albAction(ing: KObj, p: IngressPath, snap: RoutingSnapshot, conditioned: boolean): Resolution | undefined {
  if (p.portName !== 'use-annotation') return undefined
  const key = `${ALB_ACTION}${p.service}`
  const raw = ing.metadata?.annotations?.[key]
  const via = `ingress ${ing.metadata.name} ${key}${conditioned ? ` (conditions.${p.service} matched)` : ''}`
  if (raw === undefined) return { outcomes: [{ kind: 'status', code: 503, reason: `${key} is missing`, p: 1 }], via }
  let action: KObj
  try {
    action = JSON.parse(raw)
  } catch {
    return { outcomes: [{ kind: 'status', code: 503, reason: `${key} is not JSON`, p: 1 }], via }
  }
  if (action.type === 'fixed-response') {
    const code = Number(action.fixedResponseConfig?.statusCode ?? 200)
    return { outcomes: [{ kind: 'status', code, reason: 'fixed-response action', p: 1 }], via }
  }
  const groups: KObj[] = action.type === 'forward' ? (action.forwardConfig?.targetGroups ?? []) : []
  const weighted = groups
    .filter((g) => g.serviceName)
    .map((g) => ({ service: g.serviceName as string, weight: Number(g.weight ?? 1) }))
  if (weighted.length === 0)
    return { outcomes: [{ kind: 'status', code: 503, reason: `${key} forwards to no Service`, p: 1 }], via }
  return {
    outcomes: split(snap, weighted, 1),
    via: `${via}: ${weighted.map((w) => `${w.service}=${w.weight}`).join(' ')}`,
  }
}

/** The ingress-nginx canary Ingress for this host/path, if one (the first by name, as only one is honoured). */
function nginxCanary(
  snap: RoutingSnapshot,
  stable: KObj,
  p: IngressPath,
): { ing: KObj; path: IngressPath } | undefined {
  const candidates = snap.ingresses
    .filter((i) => i.metadata.name !== stable.metadata.name && i.metadata?.annotations?.[`${NGINX}canary`] === 'true')
    .sort((a, b) => String(a.metadata.name).localeCompare(b.metadata.name))
  for (const ing of candidates) {
    const path = ingressPaths(ing).find((c) => (c.host ?? '') === (p.host ?? '') && c.path === p.path)
    if (path) return { ing, path }
  }
  return undefined
}

function nginxOutcomes(
  snap: RoutingSnapshot,
  stable: KObj,
  p: IngressPath,
  req: EmulatedRequest,
): Resolution | undefined {
  const canary = nginxCanary(snap, stable, p)
  if (!canary) return undefined
  const a = canary.ing.metadata.annotations ?? {}
  const via = `ingress ${stable.metadata.name} + canary ingress ${canary.ing.metadata.name}`
  const header = a[`${NGINX}canary-by-header`]
  if (header) {
    const sent = Object.entries(req.headers).find(([k]) => k.toLowerCase() === String(header).toLowerCase())?.[1]
    const wanted = a[`${NGINX}canary-by-header-value`]
    if (sent !== undefined) {
      if (wanted !== undefined ? sent === wanted : sent === 'always') {
        return { outcomes: serviceOutcomes(snap, canary.path.service, 1), via: `${via}: header ${header}` }
      }
      if (wanted === undefined && sent === 'never') {
        return { outcomes: serviceOutcomes(snap, p.service, 1), via: `${via}: header ${header}=never` }
      }
    }
  }
  const total = Number(a[`${NGINX}canary-weight-total`] ?? 100)
  const weight = Math.min(Math.max(Number(a[`${NGINX}canary-weight`] ?? 0), 0), total)
  return {
    outcomes: split(
      snap,
      [
        { service: p.service, weight: total - weight },
        { service: canary.path.service, weight },
      ],
      1,
    ),
    via: `${via}: canary-weight ${weight}/${total}`,
  }
}

function ingressOutcomes(snap: RoutingSnapshot, name: string, req: EmulatedRequest): Resolution {
  const ing = snap.ingresses.find((i) => i.metadata.name === name)
  if (!ing)
    return {
      outcomes: [{ kind: 'status', code: 404, reason: `ingress ${name} not found`, p: 1 }],
      via: `ingress ${name}`,
    }
  const alb = isAlbIngress(ing)
  let p: IngressPath | undefined
  let conditioned = false
  try {
    for (const x of ingressPaths(ing, alb)) {
      const conditions = alb && !x.isDefault ? albConditions(ing, x.service) : []
      if (alb ? albRuleMatches(x, conditions, req) : ingressPathMatches(x, req)) {
        p = x
        conditioned = conditions.length > 0
        break
      }
    }
  } catch (e) {
    if (!(e instanceof AlbConditionsError)) throw e
    return { outcomes: [{ kind: 'status', code: 503, reason: e.message, p: 1 }], via: `ingress ${name}` }
  }
  if (!p)
    return {
      outcomes: [{ kind: 'status', code: 404, reason: `no path of ingress ${name} matches`, p: 1 }],
      via: `ingress ${name}`,
    }
  return (
    albAction(ing, p, snap, conditioned) ??
    nginxOutcomes(snap, ing, p, req) ?? {
      outcomes: serviceOutcomes(snap, p.service, 1),
      via: `ingress ${name}: ${p.service}`,
    }
  )
}

/** Resolves the live routing for one request shape. */
export function resolveRouting(snap: RoutingSnapshot, target: RoutingTarget, req: EmulatedRequest): Resolution {
  if (target.httpRoute) return httpRouteOutcomes(snap, target.httpRoute, req)
  if (target.ingress) return ingressOutcomes(snap, target.ingress, req)
  if (target.service) return { outcomes: serviceOutcomes(snap, target.service, 1), via: `service ${target.service}` }
  throw new Error('traffic emulator: give a service, an httpRoute or an ingress')
}

/** The share of requests each version would get under this resolution (status outcomes count as `none`). */
export function expectedShares(r: Resolution): { canary: number; stable: number; none: number } {
  const out = { canary: 0, stable: 0, none: 0 }
  for (const o of r.outcomes) {
    if (o.kind === 'pod') out[o.backend.version] += o.p
    else out.none += o.p
  }
  return out
}

/** Picks an outcome by its probability; `u` is uniform in [0, 1). */
export function pick(r: Resolution, u: number): Outcome | undefined {
  let acc = 0
  for (const o of r.outcomes) {
    acc += o.p
    if (u < acc) return o
  }
  return r.outcomes[r.outcomes.length - 1]
}
