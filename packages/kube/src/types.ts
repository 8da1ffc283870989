// The parts of the Kubernetes objects this package reads, as plain structural types. They accept
// both client-node's typed objects (timestamps as Date) and raw watch JSON (timestamps as strings),
// so the pure modules never import @kubernetes/client-node.

export type Timestamp = Date | string

export interface OwnerReference {
  apiVersion?: string
  kind: string
  name: string
  uid: string
  controller?: boolean
}

export interface ObjectMeta {
  name?: string
  namespace?: string
  uid?: string
  generation?: number
  resourceVersion?: string
  creationTimestamp?: Timestamp
  labels?: { [key: string]: string }
  annotations?: { [key: string]: string }
  ownerReferences?: OwnerReference[]
}

export interface Container {
  name: string
  image?: string
  [key: string]: unknown
}

export interface PodTemplateSpec {
  metadata?: ObjectMeta
  spec?: { containers: Container[]; initContainers?: Container[]; [key: string]: unknown }
}

export interface LabelSelector {
  matchLabels?: { [key: string]: string }
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>
}

export interface Condition {
  type: string
  status: string
  reason?: string
  message?: string
  lastUpdateTime?: Timestamp
  lastTransitionTime?: Timestamp
}

export interface Deployment {
  apiVersion?: string
  kind?: string
  metadata?: ObjectMeta
  spec?: {
    replicas?: number
    paused?: boolean
    selector: LabelSelector
    template: PodTemplateSpec
    progressDeadlineSeconds?: number
    revisionHistoryLimit?: number
    [key: string]: unknown
  }
  status?: {
    observedGeneration?: number
    replicas?: number
    updatedReplicas?: number
    readyReplicas?: number
    availableReplicas?: number
    unavailableReplicas?: number
    conditions?: Condition[]
  }
}

export interface ReplicaSet {
  metadata?: ObjectMeta
  spec?: { replicas?: number; selector: LabelSelector; template?: PodTemplateSpec }
  status?: { replicas: number; readyReplicas?: number; availableReplicas?: number }
}

export interface ContainerStateWaiting {
  reason?: string
  message?: string
}
export interface ContainerStateTerminated {
  reason?: string
  message?: string
  exitCode: number
  finishedAt?: Timestamp
}
export interface ContainerState {
  waiting?: ContainerStateWaiting
  running?: { startedAt?: Timestamp }
  terminated?: ContainerStateTerminated
}

export interface ContainerStatus {
  name: string
  image?: string
  ready: boolean
  restartCount: number
  state?: ContainerState
  lastState?: ContainerState
}

export interface Pod {
  metadata?: ObjectMeta
  spec?: { containers: Container[]; [key: string]: unknown }
  status?: {
    phase?: string
    reason?: string
    message?: string
    conditions?: Condition[]
    containerStatuses?: ContainerStatus[]
    initContainerStatuses?: ContainerStatus[]
  }
}

export interface KubeEvent {
  metadata?: ObjectMeta
  involvedObject: { kind?: string; name?: string; namespace?: string; uid?: string }
  type?: string
  reason?: string
  message?: string
  count?: number
  firstTimestamp?: Timestamp
  lastTimestamp?: Timestamp
  eventTime?: Timestamp
  source?: { component?: string; host?: string }
  reportingComponent?: string
}

/** Milliseconds since the epoch of a Kubernetes timestamp (0 when absent or unparseable). */
export function timeOf(t: Timestamp | undefined): number {
  if (t === undefined || t === null) return 0
  const ms = t instanceof Date ? t.getTime() : Date.parse(t)
  return Number.isFinite(ms) ? ms : 0
}

/** `app=web,tier=api` from a selector's matchLabels (and `key in (a,b)` style for expressions). */
export function labelSelectorString(selector: LabelSelector | undefined): string {
  const parts: string[] = []
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) parts.push(`${k}=${v}`)
  for (const e of selector?.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',')
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`)
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`)
    else if (e.operator === 'Exists') parts.push(e.key)
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`)
  }
  return parts.join(',')
}
