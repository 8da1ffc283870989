// The endpoints and EndpointSlice controllers: for each Service with a selector, one Endpoints
// object and EndpointSlices listing the selected pods' IPs (ready or not) with the ports each
// pod actually has.
//
// Upstream: pkg/controller/endpoint endpoints_controller.go syncService (a pod whose named
// targetPort cannot be found, podutil.FindPort, is left out of that port's subset; RepackSubsets
// groups addresses by the ports they share) and pkg/controller/endpointslice reconciler.go
// (one slice per distinct port set, endpoints with ready/serving/terminating conditions,
// labelled kubernetes.io/service-name and endpointslice.kubernetes.io/managed-by).
import type { Api } from './api.ts'
import { resourceByKind } from './resources.ts'
import { fromLabelSelector, matchesLabels } from './selectors.ts'
import { deepEqual, type KObj } from './types.ts'
import { isPodReady } from './util.ts'

const SERVICES = resourceByKind('Service')
const ENDPOINTS = resourceByKind('Endpoints')
const SLICES = resourceByKind('EndpointSlice')
const PODS = resourceByKind('Pod')
const SLICE_MANAGER = 'endpointslice-controller.k8s.io'

/** podutil.FindPort: a numeric targetPort as is; a named one from the container port of that name and protocol. */
export function findPort(pod: KObj, servicePort: KObj): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port
  if (typeof target === 'number') return target
  if (/^\d+$/.test(String(target))) return Number(target)
  const protocol = servicePort.protocol ?? 'TCP'
  for (const c of pod.spec?.containers ?? []) {
    const named = (c.ports ?? []).find((p: KObj) => p.name === target && (p.protocol ?? 'TCP') === protocol)
    if (named) return named.containerPort
  }
  return undefined
}

/** The Service's ports this pod serves, resolved to its container ports; ports it lacks are left out. */
function podPorts(svc: KObj, pod: KObj): KObj[] {
  const out: KObj[] = []
  for (const p of svc.spec.ports ?? []) {
    const port = findPort(pod, p)
    if (port === undefined) continue
    const e: KObj = { port, protocol: p.protocol ?? 'TCP' }
    if (p.name) e.name = p.name
    out.push(e)
  }
  return out
}

export class EndpointsController {
  private readonly api: Api
  constructor(api: Api) {
    this.api = api
  }

  tick(): void {
    const services = new Set<string>()
    for (const svc of this.api.store.list(SERVICES)) {
      services.add(`${svc.metadata.namespace}/${svc.metadata.name}`)
      if (!svc.spec?.selector || Object.keys(svc.spec.selector).length === 0) continue
      this.sync(svc)
    }
    for (const ep of this.api.store.list(ENDPOINTS)) {
      const managed = ep.metadata.labels?.['endpoints.kubernetes.io/managed-by'] === 'endpoint-controller'
      if (managed && !services.has(`${ep.metadata.namespace}/${ep.metadata.name}`)) {
        this.api.store.delete(ENDPOINTS, ep.metadata.namespace, ep.metadata.name)
      }
    }
    for (const slice of this.api.store.list(SLICES)) {
      const owner = slice.metadata.labels?.['kubernetes.io/service-name']
      const managed = slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === SLICE_MANAGER
      if (managed && !services.has(`${slice.metadata.namespace}/${owner}`)) {
        this.api.store.delete(SLICES, slice.metadata.namespace, slice.metadata.name)
      }
    }
  }

  private sync(svc: KObj): void {
    const selector = fromLabelSelector({ matchLabels: svc.spec.selector })
    const selected = this.api.store
      .list(PODS, { namespace: svc.metadata.namespace })
      .filter((p) => matchesLabels(selector, p.metadata.labels) && p.status?.podIP)
      .filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
    this.syncEndpoints(
      svc,
      selected.filter((p) => !p.metadata.deletionTimestamp),
    )
    this.syncSlices(svc, selected)
  }

  private syncEndpoints(svc: KObj, pods: KObj[]): void {
    const subsets: KObj[] = []
    for (const pod of pods) {
      const ports = podPorts(svc, pod)
      if (ports.length === 0) continue
      const address = {
        ip: pod.status.podIP,
        nodeName: pod.spec.nodeName,
        targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
      }
      let subset = subsets.find((s) => deepEqual(s.ports, ports))
      if (!subset) {
        subset = { ports }
        subsets.push(subset)
      }
      const key = isPodReady(pod) ? 'addresses' : 'notReadyAddresses'
      subset[key] = [...(subset[key] ?? []), address]
    }
    for (const s of subsets) {
      for (const key of ['addresses', 'notReadyAddresses'])
        s[key]?.sort((a: KObj, b: KObj) => String(a.ip).localeCompare(String(b.ip)))
    }
    const existing = this.api.store.tryGet(ENDPOINTS, svc.metadata.namespace, svc.metadata.name)
    const labels = { ...(svc.metadata.labels ?? {}), 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' }
    if (!existing) {
      this.api.store.create(ENDPOINTS, {
        metadata: { name: svc.metadata.name, namespace: svc.metadata.namespace, labels },
        subsets,
      })
    } else if (!deepEqual(existing.subsets ?? [], subsets)) {
      existing.subsets = subsets
      this.api.store.update(ENDPOINTS, existing)
    }
  }

  /** One slice per distinct port set; terminating pods stay listed with terminating: true, as the slice controller keeps them. */
  private syncSlices(svc: KObj, pods: KObj[]): void {
    const wanted: { ports: KObj[]; endpoints: KObj[] }[] = []
    for (const pod of pods) {
      const ports = podPorts(svc, pod).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol }))
      if (ports.length === 0) continue
      const terminating = Boolean(pod.metadata.deletionTimestamp)
      const ready = isPodReady(pod)
      const endpoint = {
        addresses: [pod.status.podIP],
        conditions: { ready: ready && !terminating, serving: ready, terminating },
        nodeName: pod.spec.nodeName,
        targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
      }
      let group = wanted.find((g) => deepEqual(g.ports, ports))
      if (!group) {
        group = { ports, endpoints: [] }
        wanted.push(group)
      }
      group.endpoints.push(endpoint)
    }
    for (const g of wanted) g.endpoints.sort((a, b) => String(a.addresses[0]).localeCompare(String(b.addresses[0])))
    // A Service with no ready pods still has one slice: empty, with the Service's ports unresolved.
    if (wanted.length === 0) wanted.push({ ports: [], endpoints: [] })
    const ns = svc.metadata.namespace
    const existing = this.api.store
      .list(SLICES, { namespace: ns })
      .filter(
        (s) =>
          s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name &&
          s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === SLICE_MANAGER,
      )
    const unused = [...existing]
    for (const g of wanted) {
      const match = unused.find((s) => deepEqual(s.ports ?? [], g.ports)) ?? unused[0]
      if (match) {
        unused.splice(unused.indexOf(match), 1)
        if (deepEqual(match.ports ?? [], g.ports) && deepEqual(match.endpoints ?? [], g.endpoints)) continue
        match.ports = g.ports
        match.endpoints = g.endpoints
        this.api.store.update(SLICES, match)
        continue
      }
      this.api.create(SLICES, ns, {
        metadata: {
          generateName: `${svc.metadata.name}-`,
          labels: {
            ...(svc.metadata.labels ?? {}),
            'kubernetes.io/service-name': svc.metadata.name,
            'endpointslice.kubernetes.io/managed-by': SLICE_MANAGER,
          },
          ownerReferences: [
            {
              apiVersion: 'v1',
              kind: 'Service',
              name: svc.metadata.name,
              uid: svc.metadata.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        addressType: 'IPv4',
        endpoints: g.endpoints,
        ports: g.ports,
      })
    }
    for (const s of unused) this.api.store.delete(SLICES, ns, s.metadata.name)
  }
}
