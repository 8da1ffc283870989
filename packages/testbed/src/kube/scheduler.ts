// The scheduler's filters for the one node: nodeSelector and cpu/memory requests.
import type { KObj } from './types.ts'

const SUFFIXES: Record<string, number> = {
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
}

/** resource.Quantity as a number: `500m` is 0.5, `128Mi` is 134217728. */
export function parseQuantity(text: unknown): number {
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(text ?? '0'))
  if (!m) return 0
  return Number(m[1]) * (SUFFIXES[m[2]!] ?? 1)
}

/** The scheduler's filter reasons for the one node, as its FailedScheduling message words them. */
export function unschedulable(pod: KObj, node: KObj): string | undefined {
  const labels = node.metadata?.labels ?? {}
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) {
    if (labels[k] !== v) return "node(s) didn't match Pod's node affinity/selector"
  }
  const allocatable = node.status?.allocatable ?? {}
  const insufficient: string[] = []
  for (const resource of ['cpu', 'memory']) {
    const requested = (pod.spec?.containers ?? []).reduce(
      (n: number, c: KObj) => n + parseQuantity(c.resources?.requests?.[resource] ?? c.resources?.limits?.[resource]),
      0,
    )
    if (requested > parseQuantity(allocatable[resource])) insufficient.push(`Insufficient ${resource}`)
  }
  return insufficient.length ? insufficient.join(', 1 ') : undefined
}
