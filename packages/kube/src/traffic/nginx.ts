// ingress-nginx router (legacy: ingress-nginx was retired in March 2026 and gets no more
// patches; prefer gateway-api or alb). A canary Ingress `<ingress>-canary` copies the stable
// Ingress's rules, only the paths that route to the stable Service, pointed at the canary
// Service, with `nginx.ingress.kubernetes.io/canary: "true"` and `canary-weight` (out of the
// default `canary-weight-total` of 100), and optionally `canary-by-header` /
// `canary-by-header-value`, which pin matching requests to the canary whatever the weight.
import type { ObjectsApi } from '../objects.ts'
import {
  backendPods,
  checkWeight,
  deleteCanaryService,
  ensureCanaryService,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  stableService,
} from './canary-service.ts'
import { RoutingError } from './errors.ts'
import { backendService, type Ingress, type IngressRule, ingressRef } from './ingress.ts'
import type { CanaryRouting, LiveWeight, TrafficRouter } from './router.ts'

export const NGINX_PREFIX = 'nginx.ingress.kubernetes.io'
export const CANARY = `${NGINX_PREFIX}/canary`
export const CANARY_WEIGHT = `${NGINX_PREFIX}/canary-weight`
export const CANARY_BY_HEADER = `${NGINX_PREFIX}/canary-by-header`
export const CANARY_BY_HEADER_VALUE = `${NGINX_PREFIX}/canary-by-header-value`
const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class'

export const canaryIngressName = (routing: CanaryRouting) => `${routing.ingress}-canary`

/** The canary Ingress for a stable one at `weight`, or undefined when no path routes to stable. Pure. */
export function canaryIngressFor(stable: Ingress, routing: CanaryRouting, weight: number): Ingress | undefined {
  const rules: IngressRule[] = []
  for (const r of stable.spec?.rules ?? []) {
    const paths = (r.http?.paths ?? [])
      .filter((p) => backendService(p) === routing.stableService)
      .map((p) => ({
        ...p,
        backend: { service: { name: routing.canaryService, port: structuredClone(p.backend.service?.port) } },
      }))
    if (paths.length) rules.push({ ...(r.host ? { host: r.host } : {}), http: { paths } })
  }
  if (rules.length === 0) return undefined
  const annotations: Record<string, string> = {
    [CANARY]: 'true',
    [CANARY_WEIGHT]: String(weight),
    'deploy-actions/canary-of': routing.ingress ?? '',
  }
  const cls = stable.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION]
  if (cls) annotations[INGRESS_CLASS_ANNOTATION] = cls
  if (routing.header) {
    annotations[CANARY_BY_HEADER] = routing.header.name
    annotations[CANARY_BY_HEADER_VALUE] = routing.header.value
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: canaryIngressName(routing),
      namespace: routing.namespace,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY },
      annotations,
    },
    spec: {
      ...(stable.spec?.ingressClassName ? { ingressClassName: stable.spec.ingressClassName } : {}),
      rules,
    },
  }
}

/** The canary's share as the canary Ingress states it. Pure. */
export function readWeight(canary: Ingress | undefined): { live: number; line: string } {
  const a = canary?.metadata?.annotations ?? {}
  if (!canary) return { live: 0, line: 'no canary Ingress' }
  if (a[CANARY] !== 'true') return { live: 0, line: `${CANARY} is not "true"` }
  const weight = Number(a[CANARY_WEIGHT] ?? '0')
  const total = Number(a[`${NGINX_PREFIX}/canary-weight-total`] ?? '100')
  const live = Number.isFinite(weight) && total > 0 ? Math.round((weight * 10_000) / total) / 100 : 0
  return { live, line: `${CANARY_WEIGHT}: "${a[CANARY_WEIGHT] ?? ''}"` }
}

export class NginxRouter implements TrafficRouter {
  readonly kind = 'nginx' as const
  private readonly routing: CanaryRouting
  private readonly objects: ObjectsApi
  constructor(routing: CanaryRouting, objects: ObjectsApi) {
    this.routing = routing
    this.objects = objects
  }

  private get stableRef() {
    if (!this.routing.ingress) throw new RoutingError('the nginx router needs an Ingress name')
    return ingressRef(this.routing.namespace, this.routing.ingress)
  }
  private get canaryRef() {
    return ingressRef(this.routing.namespace, canaryIngressName(this.routing))
  }
  private get where() {
    return `Ingress ${this.routing.namespace}/${canaryIngressName(this.routing)}`
  }

  private async wanted(weight: number): Promise<Ingress> {
    const stable = await this.objects.find<Ingress>(this.stableRef)
    if (!stable) throw new RoutingError(`Ingress ${this.routing.namespace}/${this.routing.ingress} not found`)
    const want = canaryIngressFor(stable, this.routing, weight)
    if (!want)
      throw new RoutingError(
        `Ingress ${this.routing.namespace}/${this.routing.ingress} has no path whose backend is Service ${this.routing.stableService}`,
      )
    return want
  }

  async check(): Promise<void> {
    await this.wanted(0)
    await stableService(this.objects, this.routing)
    const existing = await this.objects.find<Ingress>(this.canaryRef)
    if (existing && existing.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY)
      throw new RoutingError(`${this.where} exists and was not created by deploy-actions; rename or delete it`)
  }

  async prepare(): Promise<string[]> {
    await this.check()
    const lines = [await ensureCanaryService(this.objects, this.routing)]
    const want = await this.wanted(0)
    const existing = await this.objects.find<Ingress>(this.canaryRef)
    if (existing) {
      await this.objects.replace({
        ...want,
        metadata: { ...want.metadata, resourceVersion: existing.metadata?.resourceVersion },
      })
      lines.push(`${this.where} rewritten from ${this.routing.ingress}'s rules at ${CANARY_WEIGHT} 0`)
    } else {
      await this.objects.create(want)
      lines.push(
        `created ${this.where} (${this.routing.ingress}'s paths to ${this.routing.stableService}, sent to ${this.routing.canaryService}) with ${CANARY}: "true", ${CANARY_WEIGHT}: "0" (legacy router: ingress-nginx is retired)`,
      )
    }
    if (this.routing.header)
      lines.push(
        `${this.where}: requests with ${this.routing.header.name}: ${this.routing.header.value} go to the canary (${CANARY_BY_HEADER})`,
      )
    return lines
  }

  async setWeight(weight: number): Promise<LiveWeight> {
    checkWeight(weight)
    await this.objects.mergePatch(this.canaryRef, { metadata: { annotations: { [CANARY_WEIGHT]: String(weight) } } })
    const { live, line } = readWeight(await this.objects.find<Ingress>(this.canaryRef))
    const pods = await backendPods(this.objects, this.routing.namespace, [
      this.routing.stableService,
      this.routing.canaryService,
    ])
    return { asked: weight, live, detail: `${this.where} ${line} (${pods})` }
  }

  async remove(): Promise<void> {
    const existing = await this.objects.find<Ingress>(this.canaryRef)
    if (existing && existing.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY) {
      // 100% stable first: weight 0 and no header pin, then the canary Ingress goes.
      await this.objects.mergePatch(this.canaryRef, {
        metadata: { annotations: { [CANARY_WEIGHT]: '0', [CANARY_BY_HEADER]: null, [CANARY_BY_HEADER_VALUE]: null } },
      })
      await this.objects.delete(this.canaryRef)
    }
    await deleteCanaryService(this.objects, this.routing)
  }
}
