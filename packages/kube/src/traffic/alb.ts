// AWS Load Balancer Controller router: weighted target groups on an existing Ingress. The
// paths that route to the stable Service point at an action of the same name
// (`port.name: use-annotation`), and `alb.ingress.kubernetes.io/actions.<stable>` forwards to
// two target groups, the stable and the canary Service, with integer weights (the controller's
// "advanced schema", docs/guide/ingress/annotations.md#actions). The original backend port is
// kept in the stable target group's `servicePort`, which is where remove() restores it from.
// The header pin is a copy of each such path placed before it, whose action forwards to the
// canary only, with `alb.ingress.kubernetes.io/conditions.<canary>` matching the header
// (ALB evaluates an Ingress's paths in order).
import type { ObjectsApi } from '../objects.ts'
import { updateObject } from '../objects.ts'
import { backendPods, checkWeight, deleteCanaryService, ensureCanaryService, stableService } from './canary-service.ts'
import { RoutingError } from './errors.ts'
import {
  backendService,
  type Ingress,
  type IngressPath,
  type IngressRule,
  ingressPaths,
  ingressRef,
  portField,
  portOf,
} from './ingress.ts'
import type { CanaryRouting, LiveWeight, TrafficRouter } from './router.ts'

export const ALB_PREFIX = 'alb.ingress.kubernetes.io'
export const USE_ANNOTATION = 'use-annotation'
export const actionKey = (name: string) => `${ALB_PREFIX}/actions.${name}`
export const conditionsKey = (name: string) => `${ALB_PREFIX}/conditions.${name}`

export interface TargetGroup {
  serviceName?: string
  servicePort?: number | string
  targetGroupARN?: string
  weight?: number
}
export interface ForwardAction {
  type: 'forward'
  forwardConfig: { targetGroups: TargetGroup[]; [field: string]: unknown }
}

const usesAnnotation = (path: IngressPath) => path.backend.service?.port?.name === USE_ANNOTATION

/** The forward action on the Ingress for `name`, if present and parseable. */
export function actionOf(ingress: Ingress, name: string): ForwardAction | undefined {
  const raw = ingress.metadata?.annotations?.[actionKey(name)]
  if (!raw) return undefined
  try {
    const parsed = JSON.parse(raw) as ForwardAction
    return parsed?.type === 'forward' && Array.isArray(parsed.forwardConfig?.targetGroups) ? parsed : undefined
  } catch {
    return undefined
  }
}

/** Paths routing to the stable Service, directly or through our action; header pins excluded. */
export function stablePaths(ingress: Ingress, routing: CanaryRouting): Array<{ rule: number; index: number }> {
  const converted = actionOf(ingress, routing.stableService) !== undefined
  const out: Array<{ rule: number; index: number }> = []
  for (const { rule, index, path } of ingressPaths(ingress)) {
    if (backendService(path) !== routing.stableService) continue
    if (usesAnnotation(path) && !converted) continue // someone else's action of that name
    out.push({ rule, index })
  }
  return out
}

/** The stable backend's port as the Ingress had it before any of our changes. */
export function originalPort(ingress: Ingress, routing: CanaryRouting): number | string | undefined {
  const action = actionOf(ingress, routing.stableService)
  const fromAction = action?.forwardConfig.targetGroups.find((t) => t.serviceName === routing.stableService)
  if (fromAction) return fromAction.servicePort
  for (const { rule, index } of stablePaths(ingress, routing)) {
    const path = ingress.spec!.rules![rule]!.http!.paths[index]!
    if (!usesAnnotation(path)) return portOf(path)
  }
  return undefined
}

function isHeaderPath(path: IngressPath, routing: CanaryRouting): boolean {
  return backendService(path) === routing.canaryService && usesAnnotation(path)
}

function forward(groups: TargetGroup[]): string {
  return JSON.stringify({ type: 'forward', forwardConfig: { targetGroups: groups } })
}

/**
 * The Ingress with the canary at `weight`: the stable paths pointing at the action, the action's
 * two weighted target groups, and the header pins before each stable path when `pin`. Pure.
 */
export function withCanaryWeight(ingress: Ingress, routing: CanaryRouting, weight: number, pin: boolean): Ingress {
  const port = originalPort(ingress, routing)
  const stable = new Set(stablePaths(ingress, routing).map((p) => `${p.rule}/${p.index}`))
  const viaAction = { service: { name: routing.stableService, port: { name: USE_ANNOTATION } } }
  const pinned = { service: { name: routing.canaryService, port: { name: USE_ANNOTATION } } }
  const header = pin ? routing.header : undefined
  const rules: IngressRule[] = (ingress.spec?.rules ?? []).map((r, ri) => {
    if (!r.http) return r
    const paths: IngressPath[] = []
    r.http.paths.forEach((path, pi) => {
      if (isHeaderPath(path, routing)) return
      if (!stable.has(`${ri}/${pi}`)) {
        paths.push(path)
        return
      }
      if (header) paths.push({ ...path, backend: pinned })
      paths.push({ ...path, backend: viaAction })
    })
    return { ...r, http: { ...r.http, paths } }
  })
  const annotations: Record<string, string> = { ...(ingress.metadata?.annotations ?? {}) }
  annotations[actionKey(routing.stableService)] = forward([
    { serviceName: routing.stableService, servicePort: port, weight: 100 - weight },
    { serviceName: routing.canaryService, servicePort: port, weight },
  ])
  if (header) {
    annotations[actionKey(routing.canaryService)] = forward([
      { serviceName: routing.canaryService, servicePort: port, weight: 100 },
    ])
    annotations[conditionsKey(routing.canaryService)] = JSON.stringify([
      { field: 'http-header', httpHeaderConfig: { httpHeaderName: header.name, values: [header.value] } },
    ])
  } else {
    delete annotations[actionKey(routing.canaryService)]
    delete annotations[conditionsKey(routing.canaryService)]
  }
  return { ...ingress, metadata: { ...ingress.metadata, annotations }, spec: { ...ingress.spec, rules } }
}

/** The Ingress as it was: stable paths back on the Service port, our annotations and pins gone. Pure. */
export function withoutCanary(ingress: Ingress, routing: CanaryRouting): Ingress {
  const port = originalPort(ingress, routing)
  const converted = actionOf(ingress, routing.stableService) !== undefined
  const rules: IngressRule[] = (ingress.spec?.rules ?? []).map((r) => {
    if (!r.http) return r
    const paths = r.http.paths
      .filter((path) => !isHeaderPath(path, routing))
      .map((path) =>
        converted && backendService(path) === routing.stableService && usesAnnotation(path)
          ? { ...path, backend: { service: { name: routing.stableService, port: portField(port) } } }
          : path,
      )
    return { ...r, http: { ...r.http, paths } }
  })
  const annotations: Record<string, string> = { ...(ingress.metadata?.annotations ?? {}) }
  for (const key of [
    actionKey(routing.stableService),
    actionKey(routing.canaryService),
    conditionsKey(routing.canaryService),
  ])
    delete annotations[key]
  return { ...ingress, metadata: { ...ingress.metadata, annotations }, spec: { ...ingress.spec, rules } }
}

/** The canary's share from the action annotation, and whether every stable path uses it. Pure. */
export function readWeight(ingress: Ingress, routing: CanaryRouting): { live: number; line: string } {
  const action = actionOf(ingress, routing.stableService)
  if (!action) return { live: 0, line: `no ${actionKey(routing.stableService)} annotation` }
  const groups = action.forwardConfig.targetGroups
  const weightOf = (service: string) =>
    groups.filter((t) => t.serviceName === service).reduce((n, t) => n + (t.weight ?? 0), 0)
  const total = groups.reduce((n, t) => n + (t.weight ?? 0), 0)
  const canary = weightOf(routing.canaryService)
  const paths = stablePaths(ingress, routing)
  const viaAction = paths.filter(({ rule, index }) => usesAnnotation(ingress.spec!.rules![rule]!.http!.paths[index]!))
  // A path still on the Service port bypasses the action: it sends all its traffic to stable.
  const live = total > 0 && viaAction.length === paths.length ? Math.round((canary * 10_000) / total) / 100 : 0
  return {
    live,
    line: `${actionKey(routing.stableService)}: ${routing.stableService} ${weightOf(routing.stableService)}, ${routing.canaryService} ${canary}; ${viaAction.length}/${paths.length} paths use it`,
  }
}

export class AlbRouter implements TrafficRouter {
  readonly kind = 'alb' as const
  private readonly routing: CanaryRouting
  private readonly objects: ObjectsApi
  constructor(routing: CanaryRouting, objects: ObjectsApi) {
    this.routing = routing
    this.objects = objects
  }

  private get ref() {
    if (!this.routing.ingress) throw new RoutingError('the alb router needs an Ingress name')
    return ingressRef(this.routing.namespace, this.routing.ingress)
  }
  private get where() {
    return `Ingress ${this.routing.namespace}/${this.routing.ingress}`
  }

  async check(): Promise<void> {
    const ingress = await this.objects.find<Ingress>(this.ref)
    if (!ingress) throw new RoutingError(`${this.where} not found`)
    if (stablePaths(ingress, this.routing).length === 0)
      throw new RoutingError(`${this.where} has no path whose backend is Service ${this.routing.stableService}`)
    if (originalPort(ingress, this.routing) === undefined)
      throw new RoutingError(`${this.where}: the backend Service ${this.routing.stableService} has no port`)
    await stableService(this.objects, this.routing)
  }

  private write(weight: number, pin: boolean) {
    return updateObject<Ingress>(this.objects, this.ref, (current) => {
      const next = withCanaryWeight(current, this.routing, weight, pin)
      return JSON.stringify(next) === JSON.stringify(current) ? undefined : next
    })
  }

  async prepare(): Promise<string[]> {
    await this.check()
    const lines = [await ensureCanaryService(this.objects, this.routing)]
    const { object } = await this.write(0, true)
    lines.push(
      `${this.where}: ${stablePaths(object, this.routing).length} path(s) to ${this.routing.stableService} now use the ${actionKey(this.routing.stableService)} forward action (target groups ${this.routing.stableService} 100, ${this.routing.canaryService} 0)`,
    )
    if (this.routing.header)
      lines.push(
        `${this.where}: requests with ${this.routing.header.name}: ${this.routing.header.value} go to ${this.routing.canaryService} only (${conditionsKey(this.routing.canaryService)})`,
      )
    return lines
  }

  async setWeight(weight: number): Promise<LiveWeight> {
    checkWeight(weight)
    await this.write(weight, true)
    const ingress = await this.objects.get<Ingress>(this.ref)
    const { live, line } = readWeight(ingress, this.routing)
    const pods = await backendPods(this.objects, this.routing.namespace, [
      this.routing.stableService,
      this.routing.canaryService,
    ])
    return { asked: weight, live, detail: `${this.where} ${line} (${pods})` }
  }

  async remove(): Promise<void> {
    const ingress = await this.objects.find<Ingress>(this.ref)
    if (ingress && actionOf(ingress, this.routing.stableService)) {
      await this.write(0, false)
      await updateObject<Ingress>(this.objects, this.ref, (current) => withoutCanary(current, this.routing))
    }
    await deleteCanaryService(this.objects, this.routing)
  }
}
