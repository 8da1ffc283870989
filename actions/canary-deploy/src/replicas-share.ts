// The `replicas` router's arithmetic: the canary runs beside the stable behind the same Service,
// so the share it serves is canary/(stable+canary) of the ready pods. Choose the canary replica
// count whose share is closest to the asked weight, with the stable's *live* size (an HPA's
// current replicas when one targets it), and refuse a weight that cannot come within 5 points.
// Azure/k8s-deploy instead sizes a canary and a baseline copy by max(1, round(replicas * weight / 100)),
// so 1 replica at 10% serves far more than 10% (see bench/canary-share.bench.ts). Pure.

export const SHARE_TOLERANCE = 5

export interface ReplicaShare {
  weight: number
  stable: number
  canary: number
  /** Percent of ready pods that are canary pods, one decimal. */
  share: number
}

export type SharePlan =
  | ({ ok: true } & ReplicaShare)
  | ({ ok: false; reason: string; neededStable: number; neededCanary: number } & ReplicaShare)

const pct = (canary: number, stable: number) => Math.round((1000 * canary) / (canary + stable)) / 10

/** The canary replica count closest to `weight` beside `stable` replicas (at least one canary). */
export function closestCanaryReplicas(weight: number, stable: number): number {
  if (weight <= 0) return 0
  if (stable <= 0) return 1
  const exact = (weight * stable) / (100 - Math.min(weight, 99.999))
  let best = Math.max(1, Math.floor(exact))
  for (const c of [Math.max(1, Math.floor(exact)), Math.max(1, Math.ceil(exact))]) {
    if (Math.abs(pct(c, stable) - weight) < Math.abs(pct(best, stable) - weight)) best = c
  }
  return best
}

/** The plan for one weight (1..99) beside `stable` live replicas. */
export function planReplicaShare(weight: number, stable: number): SharePlan {
  const canary = closestCanaryReplicas(weight, stable)
  const share = pct(canary, stable)
  if (Math.abs(share - weight) <= SHARE_TOLERANCE) return { ok: true, weight, stable, canary, share }
  const needed = smallestStableFor(weight, stable)
  return {
    ok: false,
    weight,
    stable,
    canary,
    share,
    neededStable: needed.stable,
    neededCanary: needed.canary,
    reason:
      `weight ${weight}% cannot be served by replicas within ${SHARE_TOLERANCE} points with ${stable} stable ` +
      `replica${stable === 1 ? '' : 's'}: the nearest is ${canary} canary of ${stable + canary} pods = ${share}%; ` +
      `it needs at least ${needed.stable} stable replicas (${needed.canary} canary of ${needed.stable + needed.canary} = ` +
      `${pct(needed.canary, needed.stable)}%), or a weighted traffic-router (gateway-api, alb)`,
  }
}

/** The smallest stable size (≥ `from`) at which `weight` comes within the tolerance. */
export function smallestStableFor(weight: number, from: number): { stable: number; canary: number } {
  for (let s = Math.max(1, from); s <= 10_000; s++) {
    const c = closestCanaryReplicas(weight, s)
    if (Math.abs(pct(c, s) - weight) <= SHARE_TOLERANCE) return { stable: s, canary: c }
  }
  return { stable: Number.POSITIVE_INFINITY, canary: 1 }
}

/** The share the live ready pods give (what the Service's endpoints hold). */
export function liveShare(canaryReady: number, stableReady: number): number {
  return canaryReady + stableReady === 0 ? 0 : pct(canaryReady, stableReady)
}
