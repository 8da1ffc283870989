// The deployment controller's vocabulary (pkg/controller/deployment/util): annotation keys,
// condition reasons, revisions, template equality and the condition helpers.
import { clone, deepEqual, isoNow, type KObj } from './types.ts'

export const HASH_LABEL = 'pod-template-hash'
export const REVISION = 'deployment.kubernetes.io/revision'
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history'
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas'
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas'
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'
const ROLLBACK_TO = 'deprecated.deployment.rollback.to'
export const ANNOTATIONS_TO_SKIP = new Set([
  LAST_APPLIED,
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  ROLLBACK_TO,
])
export const MAX_REV_HISTORY_CHARS = 2000
const MAX_INT32 = 2147483647

// Condition reasons (deploymentutil).
export const REASONS = {
  NewReplicaSet: 'NewReplicaSetCreated',
  FoundNewRS: 'FoundNewReplicaSet',
  NewRSAvailable: 'NewReplicaSetAvailable',
  RSUpdated: 'ReplicaSetUpdated',
  TimedOut: 'ProgressDeadlineExceeded',
  Paused: 'DeploymentPaused',
  Resumed: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const

export function revisionOf(rs: KObj | undefined): number {
  const v = rs?.metadata?.annotations?.[REVISION]
  const n = Number.parseInt(v ?? '', 10)
  return Number.isFinite(n) ? n : 0
}

/** EqualIgnoreHash: templates equal once the pod-template-hash label is dropped. */
export function equalIgnoreHash(a: KObj | undefined, b: KObj | undefined): boolean {
  const x = clone(a ?? {})
  const y = clone(b ?? {})
  for (const t of [x, y]) {
    if (t.metadata?.labels) {
      delete t.metadata.labels[HASH_LABEL]
      if (Object.keys(t.metadata.labels).length === 0) delete t.metadata.labels
    }
  }
  return deepEqual(x, y)
}

export function hasProgressDeadline(d: KObj): boolean {
  const p = d.spec.progressDeadlineSeconds
  return p !== undefined && p !== null && p !== MAX_INT32
}

export function getCondition(status: KObj, type: string): KObj | undefined {
  return (status.conditions ?? []).find((c: KObj) => c.type === type)
}

export function newCondition(type: string, status: string, reason: string, message: string): KObj {
  const now = isoNow()
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message }
}

/** SetDeploymentCondition: same status and reason is a no-op; same status keeps lastTransitionTime. */
export function setCondition(status: KObj, condition: KObj): void {
  const current = getCondition(status, condition.type)
  if (current && current.status === condition.status && current.reason === condition.reason) return
  if (current && current.status === condition.status) condition.lastTransitionTime = current.lastTransitionTime
  status.conditions = [...(status.conditions ?? []).filter((c: KObj) => c.type !== condition.type), condition]
}

export function removeCondition(status: KObj, type: string): void {
  status.conditions = (status.conditions ?? []).filter((c: KObj) => c.type !== type)
}
