// Gateway API router: the weights of two backendRefs (stable and canary Service) in each rule of
// an existing HTTPRoute (gateway.networking.k8s.io/v1) that routes to the stable Service; other
// rules untouched. An optional header pin is a rule of its own, copied from the weighted rule's
// matches plus an exact header match, sending only to the canary: the spec gives a match with
// more header matches precedence (HTTPRouteRule docs, "Precedence"), so it wins at any weight.
import type { KubeObject, ObjectRef, ObjectsApi } from '../objects.ts'
import { UnknownKindError, updateObject } from '../objects.ts'
import { backendPods, checkWeight, deleteCanaryService, ensureCanaryService, stableService } from './canary-service.ts'
import { RoutingError } from './errors.ts'
import type { CanaryRouting, LiveWeight, TrafficRouter } from './router.ts'

export interface BackendRef {
  group?: string
  kind?: string
  name: string
  namespace?: string
  port?: number
  weight?: number
  [field: string]: unknown
}
export interface HeaderMatch {
  type?: string
  name: string
  value: string
}
export interface RouteMatch {
  path?: { type?: string; value?: string }
  headers?: HeaderMatch[]
  [field: string]: unknown
}
export interface RouteRule {
  matches?: RouteMatch[]
  backendRefs?: BackendRef[]
  [field: string]: unknown
}
export interface HttpRoute extends KubeObject {
  spec?: { rules?: RouteRule[]; [field: string]: unknown }
}

export const HTTP_ROUTE_API = 'gateway.networking.k8s.io/v1'

export const httpRouteRef = (routing: CanaryRouting): ObjectRef => ({
  apiVersion: HTTP_ROUTE_API,
  kind: 'HTTPRoute',
  name: routing.httpRoute ?? '',
  namespace: routing.namespace,
})

/** A backendRef naming this Service of the route's namespace (group core, kind Service by default). */
export function refersTo(ref: BackendRef, service: string, namespace: string): boolean {
  return (
    (ref.group ?? '') === '' &&
    (ref.kind ?? 'Service') === 'Service' &&
    ref.name === service &&
    (ref.namespace ?? namespace) === namespace
  )
}

/** Our header pin: every match carries the header, and the only backend is the canary Service. */
export function isHeaderRule(rule: RouteRule, routing: CanaryRouting): boolean {
  const h = routing.header
  const refs = rule.backendRefs ?? []
  if (refs.length !== 1 || !refersTo(refs[0]!, routing.canaryService, routing.namespace)) return false
  const matches = rule.matches ?? []
  return (
    matches.length > 0 &&
    matches.every((m) =>
      (m.headers ?? []).some(
        (x) =>
          (x.type ?? 'Exact') === 'Exact' &&
          (h ? x.name.toLowerCase() === h.name.toLowerCase() && x.value === h.value : true),
      ),
    )
  )
}

/** Rules that route to the stable Service (and are not our header pin). */
export function weightedRules(route: HttpRoute, routing: CanaryRouting): number[] {
  const out: number[] = []
  ;(route.spec?.rules ?? []).forEach((rule, i) => {
    if (isHeaderRule(rule, routing)) return
    if ((rule.backendRefs ?? []).some((r) => refersTo(r, routing.stableService, routing.namespace))) out.push(i)
  })
  return out
}

function headerRuleFor(rule: RouteRule, routing: CanaryRouting, port: number | undefined): RouteRule {
  const h = routing.header!
  const matches = (rule.matches?.length ? rule.matches : [{ path: { type: 'PathPrefix', value: '/' } }]).map((m) => ({
    ...structuredClone(m),
    headers: [
      ...(m.headers ?? []).filter((x) => x.name.toLowerCase() !== h.name.toLowerCase()),
      { type: 'Exact', name: h.name, value: h.value },
    ],
  }))
  const { backendRefs: _refs, name: _name, ...rest } = structuredClone(rule)
  return { ...rest, matches, backendRefs: [canaryRef(routing, port, 1)] }
}

function canaryRef(routing: CanaryRouting, port: number | undefined, weight: number): BackendRef {
  return { group: '', kind: 'Service', name: routing.canaryService, ...(port === undefined ? {} : { port }), weight }
}

/**
 * The route with the canary at `weight` percent in every stable rule (stable 100 − weight), and
 * the header pin before each of them when `pin` (and the routing has a header). Pure.
 */
export function withCanaryWeight(route: HttpRoute, routing: CanaryRouting, weight: number, pin: boolean): HttpRoute {
  const weighted = new Set(weightedRules(route, routing))
  const rules: RouteRule[] = []
  ;(route.spec?.rules ?? []).forEach((rule, i) => {
    if (isHeaderRule(rule, routing)) return
    if (!weighted.has(i)) {
      rules.push(rule)
      return
    }
    const refs = rule.backendRefs ?? []
    const stable = refs.find((r) => refersTo(r, routing.stableService, routing.namespace))!
    if (pin && routing.header) rules.push(headerRuleFor(rule, routing, stable.port))
    const others = refs.filter(
      (r) =>
        !refersTo(r, routing.stableService, routing.namespace) &&
        !refersTo(r, routing.canaryService, routing.namespace),
    )
    rules.push({
      ...rule,
      backendRefs: [{ ...stable, weight: 100 - weight }, canaryRef(routing, stable.port, weight), ...others],
    })
  })
  return { ...route, spec: { ...route.spec, rules } }
}

/** The route with the canary backendRefs and header pins gone; stable keeps weight 100. Pure. */
export function withoutCanary(route: HttpRoute, routing: CanaryRouting): HttpRoute {
  const rules = (route.spec?.rules ?? [])
    .filter((rule) => !isHeaderRule(rule, routing))
    .map((rule) => {
      const refs = rule.backendRefs ?? []
      if (!refs.some((r) => refersTo(r, routing.canaryService, routing.namespace))) return rule
      return { ...rule, backendRefs: refs.filter((r) => !refersTo(r, routing.canaryService, routing.namespace)) }
    })
  return { ...route, spec: { ...route.spec, rules } }
}

/** The canary's share as the route states it (weights default to 1), and a line per rule. Pure. */
export function readWeight(route: HttpRoute, routing: CanaryRouting): { live: number; lines: string[] } {
  const lines: string[] = []
  let live: number | undefined
  for (const i of weightedRules(route, routing)) {
    const refs = route.spec!.rules![i]!.backendRefs ?? []
    const weightOf = (service: string) =>
      refs.filter((r) => refersTo(r, service, routing.namespace)).reduce((n, r) => n + (r.weight ?? 1), 0)
    const total = refs.reduce((n, r) => n + (r.weight ?? 1), 0)
    const canary = weightOf(routing.canaryService)
    const share = total > 0 ? Math.round((canary * 10_000) / total) / 100 : 0
    live ??= share
    lines.push(
      `rule ${i}: ${routing.stableService} ${weightOf(routing.stableService)}, ${routing.canaryService} ${canary}`,
    )
  }
  return { live: live ?? 0, lines }
}

export class GatewayApiRouter implements TrafficRouter {
  readonly kind = 'gateway-api' as const
  private readonly routing: CanaryRouting
  private readonly objects: ObjectsApi
  constructor(routing: CanaryRouting, objects: ObjectsApi) {
    this.routing = routing
    this.objects = objects
  }

  private get where(): string {
    return `HTTPRoute ${this.routing.namespace}/${this.routing.httpRoute}`
  }

  private async route(): Promise<HttpRoute> {
    if (!this.routing.httpRoute) throw new RoutingError('the gateway-api router needs an HTTPRoute name')
    try {
      const found = await this.objects.find<HttpRoute>(httpRouteRef(this.routing))
      if (!found) throw new RoutingError(`${this.where} not found`)
      return found
    } catch (error) {
      if (error instanceof UnknownKindError)
        throw new RoutingError(
          `the cluster does not serve ${HTTP_ROUTE_API} HTTPRoute (Gateway API CRDs not installed)`,
        )
      throw error
    }
  }

  async check(): Promise<void> {
    const route = await this.route()
    if (weightedRules(route, this.routing).length === 0) {
      throw new RoutingError(`${this.where} has no rule with a backendRef to Service ${this.routing.stableService}`)
    }
    await stableService(this.objects, this.routing)
  }

  async prepare(): Promise<string[]> {
    await this.check()
    const lines = [await ensureCanaryService(this.objects, this.routing)]
    const { object } = await this.write(0, true)
    const rules = weightedRules(object, this.routing)
    lines.push(
      `${this.where}: ${rules.length === 1 ? 'rule' : 'rules'} ${rules.join(', ')} now ${rules.length === 1 ? 'sends' : 'send'} to ${this.routing.stableService} (weight 100) and ${this.routing.canaryService} (weight 0)`,
    )
    if (this.routing.header)
      lines.push(
        `${this.where}: requests with ${this.routing.header.name}: ${this.routing.header.value} go to ${this.routing.canaryService} only`,
      )
    return lines
  }

  private write(weight: number, pin: boolean) {
    return updateObject<HttpRoute>(this.objects, httpRouteRef(this.routing), (current) => {
      const next = withCanaryWeight(current, this.routing, weight, pin)
      return JSON.stringify(next.spec) === JSON.stringify(current.spec) ? undefined : next
    })
  }

  async setWeight(weight: number): Promise<LiveWeight> {
    checkWeight(weight)
    await this.write(weight, true)
    const { live, lines } = readWeight(await this.route(), this.routing)
    const pods = await backendPods(this.objects, this.routing.namespace, [
      this.routing.stableService,
      this.routing.canaryService,
    ])
    return { asked: weight, live, detail: `${this.where} backendRefs weights: ${lines.join('; ')} (${pods})` }
  }

  async remove(): Promise<void> {
    const route = await this.objects.find<HttpRoute>(httpRouteRef(this.routing))
    if (route) {
      await this.write(0, false)
      await updateObject<HttpRoute>(this.objects, httpRouteRef(this.routing), (current) => {
        const next = withoutCanary(current, this.routing)
        return JSON.stringify(next.spec) === JSON.stringify(current.spec) ? undefined : next
      })
    }
    await deleteCanaryService(this.objects, this.routing)
  }
}
