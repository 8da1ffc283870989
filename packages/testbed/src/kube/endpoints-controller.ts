// The endpoints controller: one Endpoints object per Service with a selector, listing the
// selected pods' IPs as ready or not-ready addresses with the Service's target ports.
import type { Api } from './api.ts'
import { resourceByKind } from './resources.ts'
import { fromLabelSelector, matchesLabels } from './selectors.ts'
import { deepEqual, type KObj } from './types.ts'
import { isPodReady } from './util.ts'

const SERVICES = resourceByKind('Service')
const ENDPOINTS = resourceByKind('Endpoints')
const PODS = resourceByKind('Pod')

/** A Service port's targetPort on one pod: a number, or a named container port. */
function targetPort(port: KObj, pod: KObj): number | undefined {
  const target = port.targetPort ?? port.port
  if (typeof target === 'number') return target
  for (const c of pod.spec?.containers ?? []) {
    const named = (c.ports ?? []).find((p: KObj) => p.name === target)
    if (named) return named.containerPort
  }
  return undefined
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
  }

  private sync(svc: KObj): void {
    const selector = fromLabelSelector({ matchLabels: svc.spec.selector })
    const pods = this.api.store
      .list(PODS, { namespace: svc.metadata.namespace })
      .filter((p) => matchesLabels(selector, p.metadata.labels) && p.status?.podIP && !p.metadata.deletionTimestamp)
      .filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
    const subsets: KObj[] = []
    for (const pod of pods) {
      const ports = (svc.spec.ports ?? []).map((p: KObj) => {
        const out: KObj = { port: targetPort(p, pod), protocol: p.protocol ?? 'TCP' }
        if (p.name) out.name = p.name
        return out
      })
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
}
