// The scheduler's filters for the one node: nodeSelector, then NodeResourcesFit (the pod's
// requests against what the node's allocatable leaves after the pods already bound to it).
//
// Upstream: pkg/scheduler/framework/plugins/noderesources/fit.go (fitsRequest, the
// "Insufficient cpu" reasons), computePodResourceRequest (max of the init containers and the
// sum of the app containers, plus overhead) and pkg/apis/core/v1/helper/qos GetPodQOS.
import type { KObj } from './types.ts'

const SUFFIXES: Record<string, number> = {
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
}

/** resource.Quantity as a number: `500m` is 0.5, `128Mi` is 134217728, `1e3` is 1000. */
export function parseQuantity(text: unknown): number {
  const m = /^([+-]?[0-9.]+)([a-zA-Z]*)([-+]?[0-9]*)$/.exec(String(text ?? '0').trim())
  if (!m) return 0
  if (/^[eE]$/.test(m[2]!) && m[3]) return Number(`${m[1]}e${m[3]}`)
  return Number(m[1]) * (SUFFIXES[m[2]!] ?? 1)
}

const RESOURCES = ['cpu', 'memory'] as const

/** The pod's effective request of one resource: max(init containers), sum(containers), plus overhead. */
export function podRequest(pod: KObj, resource: string): number {
  const request = (c: KObj) => parseQuantity(c.resources?.requests?.[resource] ?? c.resources?.limits?.[resource])
  const sum = (pod.spec?.containers ?? []).reduce((n: number, c: KObj) => n + request(c), 0)
  const init = Math.max(0, ...(pod.spec?.initContainers ?? []).map(request))
  return Math.max(sum, init) + parseQuantity(pod.spec?.overhead?.[resource])
}

function isTerminal(pod: KObj): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed'
}

/** The scheduler's filter reasons for the one node, as its FailedScheduling message words them. */
export function unschedulable(pod: KObj, node: KObj, bound: Iterable<Readonly<KObj>> = []): string | undefined {
  const labels = node.metadata?.labels ?? {}
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) {
    if (labels[k] !== v) return "node(s) didn't match Pod's node affinity/selector"
  }
  const allocatable = node.status?.allocatable ?? {}
  const used: Record<string, number> = { cpu: 0, memory: 0, pods: 0 }
  for (const other of bound) {
    if (other.spec?.nodeName !== node.metadata.name || isTerminal(other)) continue
    used.pods!++
    for (const r of RESOURCES) used[r]! += podRequest(other, r)
  }
  const insufficient: string[] = []
  if (used.pods! + 1 > parseQuantity(allocatable.pods ?? 110)) insufficient.push('Too many pods')
  for (const r of RESOURCES) {
    const requested = podRequest(pod, r)
    if (requested > 0 && requested > parseQuantity(allocatable[r]) - used[r]!) insufficient.push(`Insufficient ${r}`)
  }
  return insufficient.length ? insufficient.join(', 1 ') : undefined
}

/** GetPodQOS: Guaranteed when every container limits cpu and memory at its requests, BestEffort with none at all. */
export function qosClass(spec: KObj | undefined): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]
  let any = false
  let guaranteed = true
  for (const c of containers) {
    const requests = c.resources?.requests ?? {}
    const limits = c.resources?.limits ?? {}
    for (const r of RESOURCES) {
      const req = requests[r] ?? limits[r]
      if (req !== undefined && parseQuantity(req) !== 0) any = true
      if (limits[r] === undefined || parseQuantity(limits[r]) !== parseQuantity(req)) guaranteed = false
    }
  }
  if (!any) return 'BestEffort'
  return guaranteed ? 'Guaranteed' : 'Burstable'
}
