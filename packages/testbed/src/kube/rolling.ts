// The deployment controller's arithmetic (pkg/controller/deployment/util), pure and table-tested.

export type IntOrString = number | string

/** intstr.GetScaledValueFromIntOrPercent: `25%` of 10 is 3 rounding up, 2 rounding down. */
export function scaledValue(value: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (value === undefined || value === null) return 0
  if (typeof value === 'number') return value
  const m = /^(\d+)%$/.exec(value)
  if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`)
  const scaled = (Number(m[1]) * total) / 100
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled)
}

/**
 * ResolveFenceposts: maxSurge rounds up, maxUnavailable rounds down, and both zero becomes
 * one unavailable so the rollout can make progress.
 */
export function resolveFenceposts(
  maxSurge: IntOrString | undefined,
  maxUnavailable: IntOrString | undefined,
  desired: number,
): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? 0, desired, true)
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false)
  if (surge === 0 && unavailable === 0) unavailable = 1
  return { surge, unavailable }
}

export interface StrategyLike {
  type?: string
  rollingUpdate?: { maxSurge?: IntOrString; maxUnavailable?: IntOrString }
}

/** MaxSurge(deployment): zero unless RollingUpdate. */
export function maxSurge(strategy: StrategyLike | undefined, replicas: number): number {
  if (strategy?.type !== 'RollingUpdate') return 0
  return resolveFenceposts(strategy.rollingUpdate?.maxSurge, strategy.rollingUpdate?.maxUnavailable, replicas).surge
}

/** MaxUnavailable(deployment): zero unless RollingUpdate with replicas, capped at replicas. */
export function maxUnavailable(strategy: StrategyLike | undefined, replicas: number): number {
  if (strategy?.type !== 'RollingUpdate' || replicas === 0) return 0
  const { unavailable } = resolveFenceposts(
    strategy.rollingUpdate?.maxSurge,
    strategy.rollingUpdate?.maxUnavailable,
    replicas,
  )
  return Math.min(unavailable, replicas)
}

/**
 * NewRSNewReplicas for RollingUpdate: scale the new ReplicaSet up as far as maxSurge allows
 * over the pods all ReplicaSets want, never past the deployment's replicas.
 */
export function newReplicaSetReplicas(args: {
  replicas: number
  surge: number
  /** Sum of spec.replicas over all ReplicaSets, the new one included. */
  currentPodCount: number
  newReplicas: number
}): number {
  const maxTotalPods = args.replicas + args.surge
  if (args.currentPodCount >= maxTotalPods) return args.newReplicas
  let scaleUp = maxTotalPods - args.currentPodCount
  scaleUp = Math.min(scaleUp, args.replicas - args.newReplicas)
  return args.newReplicas + scaleUp
}

/**
 * The most old pods reconcileOldReplicaSets may remove now: all pods minus the minimum
 * available minus the new ReplicaSet's unavailable pods.
 */
export function maxScaledDown(args: {
  replicas: number
  unavailable: number
  allPodsCount: number
  newReplicas: number
  newAvailable: number
}): number {
  const minAvailable = args.replicas - args.unavailable
  const newUnavailable = args.newReplicas - args.newAvailable
  return args.allPodsCount - minAvailable - newUnavailable
}

/** integer.RoundToInt32: round half away from zero. */
export function roundToInt(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x)
}

/** getReplicaSetFraction: a ReplicaSet's share of a proportional scale. */
export function replicaSetFraction(args: {
  rsReplicas: number
  deploymentReplicas: number
  surge: number
  /** max-replicas annotation, or the deployment's status.replicas if absent. */
  annotatedReplicas: number
}): number {
  if (args.deploymentReplicas === 0) return -args.rsReplicas
  const deploymentReplicas = args.deploymentReplicas + args.surge
  if (args.annotatedReplicas === 0) return 0
  const newSize = (args.rsReplicas * deploymentReplicas) / args.annotatedReplicas
  return roundToInt(newSize) - args.rsReplicas
}

/** GetProportion: how many replicas this ReplicaSet gains (or loses) in a proportional scale. */
export function proportion(args: { rsReplicas: number; fraction: number; toAdd: number; added: number }): number {
  if (args.rsReplicas === 0 || args.toAdd === 0 || args.toAdd === args.added) return 0
  const allowed = args.toAdd - args.added
  return args.toAdd > 0 ? Math.min(args.fraction, allowed) : Math.max(args.fraction, allowed)
}
