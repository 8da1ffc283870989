// The canary Service every weighted router routes to: the stable Service's ports (so a route's
// port works on both), selecting exactly the canary pod labels. And the Endpoints read-back
// that says which pods each backend holds after a weight change.
import type { KubeObject, ObjectRef, ObjectsApi } from '../objects.ts'
import { RoutingError } from './errors.ts'
import type { CanaryRouting } from './router.ts'

/** Marks objects a router created, so `remove()` deletes only those. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by'
export const MANAGED_BY = 'deploy-actions'

export interface ServicePort {
  name?: string
  port: number
  targetPort?: number | string
  protocol?: string
  appProtocol?: string
  nodePort?: number
}

export interface Service extends KubeObject {
  spec?: { type?: string; selector?: Record<string, string>; ports?: ServicePort[]; [key: string]: unknown }
}

export const serviceRef = (namespace: string, name: string): ObjectRef => ({
  apiVersion: 'v1',
  kind: 'Service',
  name,
  namespace,
})

/**
 * The canary Service for a stable one: same ports (node ports left to the server), same type
 * where it matters to the load balancer (AWS LBC's instance targets need NodePort), selector
 * exactly the canary pod labels. Pure.
 */
export function canaryServiceFor(stable: Service, routing: CanaryRouting): Service {
  const type = stable.spec?.type === 'NodePort' || stable.spec?.type === 'LoadBalancer' ? 'NodePort' : 'ClusterIP'
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: routing.canaryService,
      namespace: routing.namespace,
      labels: { ...(stable.metadata?.labels ?? {}), [MANAGED_BY_LABEL]: MANAGED_BY },
      annotations: { 'deploy-actions/canary-of': routing.stableService },
    },
    spec: {
      type,
      selector: { ...routing.canaryPodLabels },
      ports: (stable.spec?.ports ?? []).map(({ nodePort: _drop, ...port }) => ({ ...port })),
    },
  }
}

const sameSelector = (a: Record<string, string> | undefined, b: Record<string, string>) =>
  JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b).sort())

/** True when a Service selecting `selector` would also select pods carrying `podLabels`. */
export function selects(selector: Record<string, string> | undefined, podLabels: Record<string, string>): boolean {
  const entries = Object.entries(selector ?? {})
  return entries.length > 0 && entries.every(([k, v]) => podLabels[k] === v)
}

/** Reads the stable Service: absent, or selecting the canary pods too, is a RoutingError. */
export async function stableService(objects: ObjectsApi, routing: CanaryRouting): Promise<Service> {
  const found = await objects.find<Service>(serviceRef(routing.namespace, routing.stableService))
  if (!found)
    throw new RoutingError(`Service ${routing.namespace}/${routing.stableService} (the stable Service) not found`)
  // A stable Service that also selects the canary pods serves the canary behind the stable
  // backend too, so 90/10 would not be 90/10.
  if (selects(found.spec?.selector, routing.canaryPodLabels)) {
    const show = (labels: Record<string, string> | undefined) =>
      Object.entries(labels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(',')
    throw new RoutingError(
      `Service ${routing.stableService} selects ${show(found.spec?.selector)}, which the canary pods (${show(routing.canaryPodLabels)}) carry too: the stable backend would serve the canary as well`,
    )
  }
  return found
}

/**
 * Creates the canary Service, or brings an existing one (ours, from an earlier run) back to the
 * wanted selector and ports. Returns a line saying what it did.
 */
export async function ensureCanaryService(objects: ObjectsApi, routing: CanaryRouting): Promise<string> {
  const stable = await stableService(objects, routing)
  const want = canaryServiceFor(stable, routing)
  const ref = serviceRef(routing.namespace, routing.canaryService)
  const selector = Object.entries(routing.canaryPodLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
  const existing = await objects.find<Service>(ref)
  if (!existing) {
    await objects.create(want)
    return `created Service ${routing.canaryService} (ports of ${routing.stableService}, selecting ${selector}: only canary pods)`
  }
  if (existing.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY) {
    throw new RoutingError(
      `Service ${routing.namespace}/${routing.canaryService} exists and was not created by deploy-actions; rename or delete it`,
    )
  }
  if (sameSelector(existing.spec?.selector, routing.canaryPodLabels)) {
    return `Service ${routing.canaryService} already selects ${selector}`
  }
  await objects.replace({
    ...existing,
    spec: { ...existing.spec, selector: { ...routing.canaryPodLabels } },
  })
  return `Service ${routing.canaryService} now selects ${selector}`
}

/** Deletes the canary Service if it is ours; true when something was deleted. */
export async function deleteCanaryService(objects: ObjectsApi, routing: CanaryRouting): Promise<boolean> {
  const ref = serviceRef(routing.namespace, routing.canaryService)
  const existing = await objects.find<Service>(ref)
  if (!existing || existing.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY) return false
  return objects.delete(ref)
}

interface Endpoints extends KubeObject {
  subsets?: Array<{ addresses?: unknown[]; notReadyAddresses?: unknown[] }>
}

/** `web: 3 ready pods, web-canary: 1 ready pod (1 not ready)` from the two Services' Endpoints. */
export async function backendPods(objects: ObjectsApi, namespace: string, services: string[]): Promise<string> {
  const parts: string[] = []
  for (const name of services) {
    const ep = await objects.find<Endpoints>({ apiVersion: 'v1', kind: 'Endpoints', name, namespace })
    const ready = (ep?.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0)
    const notReady = (ep?.subsets ?? []).reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0)
    parts.push(
      `${name}: ${ready} ready pod${ready === 1 ? '' : 's'}${notReady ? ` (${notReady} not ready)` : ''}${ep ? '' : ' (no Endpoints)'}`,
    )
  }
  return parts.join(', ')
}

/** A weight the routers accept: an integer percentage. */
export function checkWeight(weight: number): void {
  if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
    throw new RangeError(`canary weight must be an integer from 0 to 100, got ${weight}`)
  }
}
