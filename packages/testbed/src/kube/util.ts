// Shared helpers of the controllers: owner references, pod readiness, ReplicaSet sums.
import type { Api } from './api.ts'
import type { ResourceDef } from './resources.ts'
import type { KObj } from './types.ts'

export function controllerRef(obj: KObj): KObj | undefined {
  return (obj.metadata?.ownerReferences ?? []).find((o: KObj) => o.controller === true)
}

export function isControlledBy(obj: KObj, owner: KObj): boolean {
  return controllerRef(obj)?.uid === owner.metadata.uid
}

export function ownerReference(owner: KObj): KObj {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  }
}

export function podCondition(pod: KObj, type: string): KObj | undefined {
  return (pod.status?.conditions ?? []).find((c: KObj) => c.type === type)
}

export function isPodReady(pod: KObj): boolean {
  return podCondition(pod, 'Ready')?.status === 'True'
}

/** podutil.IsPodAvailable: ready for at least minReadySeconds. */
export function isPodAvailable(pod: KObj, minReadySeconds: number, now: number, timeScale = 1): boolean {
  const ready = podCondition(pod, 'Ready')
  if (ready?.status !== 'True') return false
  if (!minReadySeconds) return true
  const since = Date.parse(ready.lastTransitionTime ?? '')
  return Number.isFinite(since) && since + minReadySeconds * 1000 * timeScale <= now
}

export function isPodActive(pod: KObj): boolean {
  const phase = pod.status?.phase
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp
}

export function specReplicas(rs: KObj | undefined): number {
  return rs?.spec?.replicas ?? 0
}

export function sum(list: (KObj | undefined)[], pick: (rs: KObj) => number | undefined): number {
  let total = 0
  for (const rs of list) if (rs) total += pick(rs) ?? 0
  return total
}

/** controller.ReplicaSetsByCreationTimestamp: oldest first, name breaking ties. */
export function byCreation(a: KObj, b: KObj): number {
  const ta = Date.parse(a.metadata.creationTimestamp)
  const tb = Date.parse(b.metadata.creationTimestamp)
  if (ta !== tb) return ta - tb
  return String(a.metadata.name).localeCompare(String(b.metadata.name))
}

/** Go's time.Duration.String() for whole milliseconds: 200ms, 1.5s, 1m20s. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`
  const totalSeconds = ms / 1000
  if (totalSeconds < 60) return `${Number.parseFloat(totalSeconds.toFixed(3))}s`
  const minutes = Math.floor(totalSeconds / 60)
  const seconds = Number.parseFloat((totalSeconds - minutes * 60).toFixed(3))
  if (minutes < 60) return `${minutes}m${seconds}s`
  return `${Math.floor(minutes / 60)}h${minutes % 60}m${seconds}s`
}

/** A controller that syncs each live object of one resource per tick. */
export abstract class ObjectController {
  protected readonly api: Api
  protected readonly now: () => number
  private readonly resource: ResourceDef
  constructor(api: Api, resource: ResourceDef, now: () => number = Date.now) {
    this.api = api
    this.resource = resource
    this.now = now
  }

  tick(): void {
    for (const obj of this.api.store.list(this.resource)) {
      if (obj.metadata.deletionTimestamp) continue
      this.sync(obj)
    }
  }

  protected abstract sync(obj: KObj): void
}
