// The deployment controller (pkg/controller/deployment): ReplicaSets per pod template hash,
// revisions, rolling and recreate rollouts, proportional scaling, status and conditions,
// progress deadlines, history cleanup and pause, ported step by step from upstream.
import type { Api } from './api.ts'
import {
  ANNOTATIONS_TO_SKIP,
  DESIRED_REPLICAS,
  equalIgnoreHash,
  getCondition,
  HASH_LABEL,
  hasProgressDeadline,
  MAX_REPLICAS,
  MAX_REV_HISTORY_CHARS,
  newCondition,
  REASONS,
  REVISION,
  REVISION_HISTORY,
  removeCondition,
  revisionOf,
  setCondition,
} from './deployment-util.ts'
import { recordEvent } from './events.ts'
import { resourceByKind } from './resources.ts'
import { maxSurge, maxUnavailable, newReplicaSetReplicas, proportion, replicaSetFraction } from './rolling.ts'
import { fromLabelSelector, matchesLabels } from './selectors.ts'
import { clone, deepEqual, type KObj, podTemplateHash } from './types.ts'
import {
  byCreation,
  controllerRef,
  isControlledBy,
  isPodActive,
  ObjectController,
  ownerReference,
  specReplicas,
  sum,
} from './util.ts'

const DEPLOYMENTS = resourceByKind('Deployment')
const REPLICASETS = resourceByKind('ReplicaSet')
const PODS = resourceByKind('Pod')

function activeReplicaSets(list: (KObj | undefined)[]): KObj[] {
  return list.filter((rs): rs is KObj => !!rs && specReplicas(rs) > 0)
}

export class DeploymentController extends ObjectController {
  constructor(api: Api, now: () => number = Date.now) {
    super(api, DEPLOYMENTS, now)
  }

  private event(d: KObj, type: 'Normal' | 'Warning', reason: string, message: string): void {
    recordEvent(this.api, { involved: d, type, reason, message, component: 'deployment-controller' })
  }

  /** getReplicaSetsForDeployment: owned ReplicaSets, adopting orphans the selector matches. */
  private replicaSetsFor(d: KObj): KObj[] {
    const selector = fromLabelSelector(d.spec.selector)
    const out: KObj[] = []
    for (const rs of this.api.store.list(REPLICASETS, { namespace: d.metadata.namespace })) {
      if (isControlledBy(rs, d)) {
        out.push(rs)
      } else if (
        !controllerRef(rs) &&
        !rs.metadata.deletionTimestamp &&
        selector.length &&
        matchesLabels(selector, rs.metadata.labels)
      ) {
        rs.metadata.ownerReferences = [...(rs.metadata.ownerReferences ?? []), ownerReference(d)]
        out.push(this.api.store.update(REPLICASETS, rs))
      }
    }
    return out
  }

  private podsByReplicaSet(rsList: KObj[]): Map<string, KObj[]> {
    const map = new Map<string, KObj[]>()
    for (const rs of rsList) map.set(rs.metadata.uid, [])
    if (rsList.length === 0) return map
    for (const pod of this.api.store.list(PODS, { namespace: rsList[0]!.metadata.namespace })) {
      const ref = controllerRef(pod)
      if (ref && map.has(ref.uid)) map.get(ref.uid)!.push(pod)
    }
    return map
  }

  protected sync(input: KObj): void {
    let d = input
    const rsList = this.replicaSetsFor(d)
    const selector = fromLabelSelector(d.spec.selector)
    if (selector.length === 0) {
      this.event(
        d,
        'Warning',
        'SelectingAll',
        'This deployment is selecting all pods. A non-empty selector is required.',
      )
      if ((d.status?.observedGeneration ?? 0) < d.metadata.generation) {
        d.status = { ...(d.status ?? {}), observedGeneration: d.metadata.generation }
        this.api.store.update(DEPLOYMENTS, d, { statusOnly: true })
      }
      return
    }
    d = this.checkPausedConditions(d)
    if (d.spec.paused) {
      this.syncScaling(d, rsList)
      return
    }
    if (this.isScalingEvent(d, rsList)) {
      this.syncScaling(d, rsList)
      return
    }
    if (d.spec.strategy?.type === 'Recreate') this.rolloutRecreate(d, rsList)
    else this.rolloutRolling(d, rsList)
  }

  private checkPausedConditions(d: KObj): KObj {
    if (!hasProgressDeadline(d)) return d
    const status = clone(d.status ?? {})
    const cond = getCondition(status, 'Progressing')
    if (cond?.reason === REASONS.TimedOut) return d
    const pausedCondExists = cond?.reason === REASONS.Paused
    let needsUpdate = false
    if (d.spec.paused && !pausedCondExists) {
      setCondition(status, newCondition('Progressing', 'Unknown', REASONS.Paused, 'Deployment is paused'))
      needsUpdate = true
    } else if (!d.spec.paused && pausedCondExists) {
      setCondition(status, newCondition('Progressing', 'Unknown', REASONS.Resumed, 'Deployment is resumed'))
      needsUpdate = true
    }
    if (!needsUpdate) return d
    d.status = status
    return this.api.store.update(DEPLOYMENTS, d, { statusOnly: true })
  }

  /** getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when asked) and the old ones. */
  private getAllReplicaSetsAndSyncRevision(
    d: KObj,
    rsList: KObj[],
    createIfNotExisted: boolean,
  ): { d: KObj; newRS: KObj | undefined; oldRSs: KObj[] } {
    const sorted = [...rsList].sort(byCreation)
    const existingNew = sorted.find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template))
    const oldRSs = rsList.filter((rs) => rs !== existingNew)
    const maxOldRevision = Math.max(0, ...oldRSs.map(revisionOf))
    const newRevision = String(maxOldRevision + 1)

    if (existingNew) {
      let rs = clone(existingNew)
      const annotationsUpdated = this.setNewReplicaSetAnnotations(d, rs, newRevision, true)
      const minReadyNeedsUpdate = (rs.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0)
      if (annotationsUpdated || minReadyNeedsUpdate) {
        rs.spec.minReadySeconds = d.spec.minReadySeconds ?? 0
        rs = this.api.store.update(REPLICASETS, rs)
        return { d, newRS: rs, oldRSs }
      }
      let needsUpdate = this.setDeploymentRevision(d, rs.metadata.annotations?.[REVISION] ?? '')
      const status = clone(d.status ?? {})
      if (hasProgressDeadline(d) && !getCondition(status, 'Progressing')) {
        setCondition(
          status,
          newCondition('Progressing', 'True', REASONS.FoundNewRS, `Found new replica set "${rs.metadata.name}"`),
        )
        needsUpdate = true
      }
      if (needsUpdate) d = this.writeDeployment(d, status)
      return { d, newRS: rs, oldRSs }
    }
    if (!createIfNotExisted) return { d, newRS: undefined, oldRSs }

    // A new ReplicaSet for the new template, named after its hash.
    const collisionCount = d.status?.collisionCount
    const template = clone(d.spec.template)
    const hash = podTemplateHash(template, collisionCount)
    template.metadata ??= {}
    template.metadata.labels = { ...(template.metadata.labels ?? {}), [HASH_LABEL]: hash }
    const selector = clone(d.spec.selector)
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [HASH_LABEL]: hash }
    const newRS: KObj = {
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        ownerReferences: [ownerReference(d)],
        labels: template.metadata.labels,
      },
      spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    }
    const newReplicas = this.newRSNewReplicas(d, [...oldRSs, newRS], newRS)
    newRS.spec.replicas = newReplicas
    this.setNewReplicaSetAnnotations(d, newRS, newRevision, false)
    const clash = this.api.store.tryGet(REPLICASETS, d.metadata.namespace, newRS.metadata.name)
    if (clash) {
      // A ReplicaSet of that name exists with another template (or another owner): bump collisionCount.
      if (isControlledBy(clash, d) && equalIgnoreHash(clash.spec.template, d.spec.template)) {
        return { d, newRS: clash, oldRSs }
      }
      const status = clone(d.status ?? {})
      status.collisionCount = (status.collisionCount ?? 0) + 1
      this.writeDeployment(d, status)
      return { d, newRS: undefined, oldRSs }
    }
    const created = this.api.create(REPLICASETS, d.metadata.namespace, newRS)
    if (newReplicas > 0) {
      this.event(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled up replica set ${created.metadata.name} from 0 to ${newReplicas}`,
      )
    }
    this.setDeploymentRevision(d, newRevision)
    const status = clone(d.status ?? {})
    if (hasProgressDeadline(d)) {
      setCondition(
        status,
        newCondition(
          'Progressing',
          'True',
          REASONS.NewReplicaSet,
          `Created new replica set "${created.metadata.name}"`,
        ),
      )
    }
    d = this.writeDeployment(d, status)
    return { d, newRS: created, oldRSs }
  }

  /** Writes the deployment's annotations (through the resource) and status (through /status) if changed. */
  private writeDeployment(d: KObj, status: KObj): KObj {
    const stored = this.api.store.get(DEPLOYMENTS, d.metadata.namespace, d.metadata.name)
    let out = stored
    if (!deepEqual(stored.metadata.annotations, d.metadata.annotations)) {
      stored.metadata.annotations = d.metadata.annotations
      out = this.api.store.update(DEPLOYMENTS, stored)
    }
    if (!deepEqual(out.status, status)) {
      out.status = status
      out = this.api.store.update(DEPLOYMENTS, out, { statusOnly: true })
    }
    return out
  }

  private setDeploymentRevision(d: KObj, revision: string): boolean {
    d.metadata.annotations ??= {}
    if (d.metadata.annotations[REVISION] === revision) return false
    d.metadata.annotations[REVISION] = revision
    return true
  }

  /** SetNewReplicaSetAnnotations: copies the deployment's annotations, sets revision and history. */
  private setNewReplicaSetAnnotations(d: KObj, rs: KObj, newRevision: string, exists: boolean): boolean {
    rs.metadata.annotations ??= {}
    const a = rs.metadata.annotations
    let changed = false
    for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
      if (ANNOTATIONS_TO_SKIP.has(k) || a[k] === v) continue
      a[k] = v
      changed = true
    }
    const oldRevision: string | undefined = a[REVISION]
    const oldRevisionInt = oldRevision ? Number.parseInt(oldRevision, 10) : 0
    if (oldRevision && !Number.isFinite(oldRevisionInt)) return false
    const newRevisionInt = Number.parseInt(newRevision, 10)
    if (oldRevisionInt < newRevisionInt) {
      a[REVISION] = newRevision
      changed = true
    }
    if (oldRevision !== undefined && oldRevisionInt < newRevisionInt) {
      const history: string = a[REVISION_HISTORY] ?? ''
      const old = history.split(',')
      if (old[0] === '') a[REVISION_HISTORY] = oldRevision
      else {
        let totalLen = history.length + oldRevision.length + 1
        let start = 0
        while (totalLen > MAX_REV_HISTORY_CHARS && start < old.length) {
          totalLen -= old[start]!.length + 1
          start++
        }
        if (totalLen <= MAX_REV_HISTORY_CHARS) a[REVISION_HISTORY] = [...old.slice(start), oldRevision].join(',')
      }
    }
    if (!exists && this.setReplicasAnnotations(rs, d.spec.replicas, d.spec.replicas + this.maxSurge(d))) changed = true
    return changed
  }

  private setReplicasAnnotations(rs: KObj, desired: number, max: number): boolean {
    rs.metadata.annotations ??= {}
    const a = rs.metadata.annotations
    let changed = false
    if (a[DESIRED_REPLICAS] !== String(desired)) {
      a[DESIRED_REPLICAS] = String(desired)
      changed = true
    }
    if (a[MAX_REPLICAS] !== String(max)) {
      a[MAX_REPLICAS] = String(max)
      changed = true
    }
    return changed
  }

  private maxSurge(d: KObj): number {
    return maxSurge(d.spec.strategy, d.spec.replicas)
  }

  private maxUnavailable(d: KObj): number {
    return maxUnavailable(d.spec.strategy, d.spec.replicas)
  }

  private newRSNewReplicas(d: KObj, allRSs: KObj[], newRS: KObj): number {
    if (d.spec.strategy?.type === 'Recreate') return d.spec.replicas
    return newReplicaSetReplicas({
      replicas: d.spec.replicas,
      surge: this.maxSurge(d),
      currentPodCount: sum(allRSs, specReplicas),
      newReplicas: specReplicas(newRS),
    })
  }

  private isScalingEvent(d: KObj, rsList: KObj[]): boolean {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(d, rsList, false)
    for (const rs of activeReplicaSets([...oldRSs, newRS])) {
      const desired = rs.metadata.annotations?.[DESIRED_REPLICAS]
      if (desired === undefined) continue
      if (Number(desired) !== d.spec.replicas) return true
    }
    return false
  }

  private scaleReplicaSetAndRecordEvent(rs: KObj, newScale: number, d: KObj): { scaled: boolean; rs: KObj } {
    if (specReplicas(rs) === newScale) return { scaled: false, rs }
    const op = specReplicas(rs) < newScale ? 'up' : 'down'
    return this.scaleReplicaSet(rs, newScale, d, op)
  }

  private scaleReplicaSet(rs: KObj, newScale: number, d: KObj, op: string): { scaled: boolean; rs: KObj } {
    const sizeNeedsUpdate = specReplicas(rs) !== newScale
    const copy = clone(rs)
    const annotationsNeedUpdate = this.setReplicasAnnotations(copy, d.spec.replicas, d.spec.replicas + this.maxSurge(d))
    if (!sizeNeedsUpdate && !annotationsNeedUpdate) return { scaled: false, rs }
    const oldScale = specReplicas(rs)
    copy.spec.replicas = newScale
    const updated = this.api.store.update(REPLICASETS, copy)
    if (sizeNeedsUpdate) {
      this.event(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled ${op} replica set ${rs.metadata.name} from ${oldScale} to ${newScale}`,
      )
    }
    return { scaled: sizeNeedsUpdate, rs: updated }
  }

  /** sync (upstream's name): scaling and status only (paused deployments and scaling events). */
  private syncScaling(input: KObj, rsList: KObj[]): void {
    const got = this.getAllReplicaSetsAndSyncRevision(input, rsList, false)
    let d = got.d
    let { newRS, oldRSs } = got
    const scaled = this.scale(d, newRS, oldRSs)
    if (scaled) {
      const refreshed = this.refresh(d)
      newRS = refreshed.newRS
      oldRSs = refreshed.oldRSs
      d = refreshed.d
    }
    // A paused deployment is cleaned up whether or not its rollout finished.
    if (d.spec.paused) this.cleanupDeployment(oldRSs, d)
    const allRSs = [...oldRSs, newRS]
    this.syncDeploymentStatus(allRSs, newRS, d)
  }

  private refresh(d: KObj): { d: KObj; newRS: KObj | undefined; oldRSs: KObj[] } {
    const fresh = this.api.store.get(DEPLOYMENTS, d.metadata.namespace, d.metadata.name)
    return this.getAllReplicaSetsAndSyncRevision(fresh, this.replicaSetsFor(fresh), false)
  }

  /** scale: proportional scaling across the active ReplicaSets. */
  private scale(d: KObj, newRS: KObj | undefined, oldRSs: KObj[]): boolean {
    const activeOrLatest = this.findActiveOrLatest(newRS, oldRSs)
    if (activeOrLatest) {
      if (specReplicas(activeOrLatest) === d.spec.replicas) return false
      return this.scaleReplicaSetAndRecordEvent(activeOrLatest, d.spec.replicas, d).scaled
    }
    if (this.isSaturated(d, newRS)) {
      let any = false
      for (const old of activeReplicaSets(oldRSs)) any = this.scaleReplicaSetAndRecordEvent(old, 0, d).scaled || any
      return any
    }
    if (d.spec.strategy?.type !== 'RollingUpdate') return false
    const allRSs = activeReplicaSets([...oldRSs, newRS])
    const allRSsReplicas = sum(allRSs, specReplicas)
    const allowedSize = d.spec.replicas > 0 ? d.spec.replicas + this.maxSurge(d) : 0
    const toAdd = allowedSize - allRSsReplicas
    let op = ''
    if (toAdd > 0) {
      // ReplicaSetsBySizeNewer: larger first, newer breaking ties.
      allRSs.sort((a, b) => specReplicas(b) - specReplicas(a) || byCreation(b, a))
      op = 'up'
    } else if (toAdd < 0) {
      // ReplicaSetsBySizeOlder: larger first, older breaking ties.
      allRSs.sort((a, b) => specReplicas(b) - specReplicas(a) || byCreation(a, b))
      op = 'down'
    }
    let added = 0
    const nameToSize = new Map<string, number>()
    for (const rs of allRSs) {
      if (toAdd !== 0) {
        const annotated = Number(rs.metadata.annotations?.[MAX_REPLICAS] ?? Number.NaN)
        const fraction = replicaSetFraction({
          rsReplicas: specReplicas(rs),
          deploymentReplicas: d.spec.replicas,
          surge: this.maxSurge(d),
          annotatedReplicas: Number.isFinite(annotated) ? annotated : (d.status?.replicas ?? 0),
        })
        const p = proportion({ rsReplicas: specReplicas(rs), fraction, toAdd, added })
        nameToSize.set(rs.metadata.name, specReplicas(rs) + p)
        added += p
      } else nameToSize.set(rs.metadata.name, specReplicas(rs))
    }
    let any = false
    allRSs.forEach((rs, i) => {
      let size = nameToSize.get(rs.metadata.name)!
      if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added)
      any = this.scaleReplicaSet(rs, size, d, op).scaled || any
    })
    return any
  }

  private findActiveOrLatest(newRS: KObj | undefined, oldRSs: KObj[]): KObj | undefined {
    if (!newRS && oldRSs.length === 0) return undefined
    const sortedOld = [...oldRSs].sort((a, b) => byCreation(b, a))
    const active = activeReplicaSets([...sortedOld, newRS])
    if (active.length === 0) return newRS ?? sortedOld[0]
    if (active.length === 1) return active[0]
    return undefined
  }

  private isSaturated(d: KObj, rs: KObj | undefined): boolean {
    if (!rs) return false
    const desired = Number(rs.metadata.annotations?.[DESIRED_REPLICAS])
    return (
      specReplicas(rs) === d.spec.replicas &&
      desired === d.spec.replicas &&
      (rs.status?.availableReplicas ?? 0) === d.spec.replicas
    )
  }

  private rolloutRolling(input: KObj, rsList: KObj[]): void {
    const got = this.getAllReplicaSetsAndSyncRevision(input, rsList, true)
    const d = got.d
    let newRS = got.newRS
    const oldRSs = got.oldRSs
    if (!newRS) return
    // reconcileNewReplicaSet
    let scaledUp = false
    if (specReplicas(newRS) > d.spec.replicas) {
      const r = this.scaleReplicaSetAndRecordEvent(newRS, d.spec.replicas, d)
      scaledUp = r.scaled
      newRS = r.rs
    } else if (specReplicas(newRS) < d.spec.replicas) {
      const count = this.newRSNewReplicas(d, [...oldRSs, newRS], newRS)
      const r = this.scaleReplicaSetAndRecordEvent(newRS, count, d)
      scaledUp = r.scaled
      newRS = r.rs
    }
    if (scaledUp) {
      this.syncRolloutStatus([...oldRSs, newRS], newRS, d)
      return
    }
    const scaledDown = this.reconcileOldReplicaSets([...oldRSs, newRS], activeReplicaSets(oldRSs), newRS, d)
    if (scaledDown) {
      const refreshed = this.refresh(d)
      this.syncRolloutStatus([...refreshed.oldRSs, refreshed.newRS], refreshed.newRS, refreshed.d)
      return
    }
    if (this.isComplete(d, d.status ?? {})) this.cleanupDeployment(oldRSs, d)
    this.syncRolloutStatus([...oldRSs, newRS], newRS, d)
  }

  private reconcileOldReplicaSets(allRSs: KObj[], oldRSs: KObj[], newRS: KObj, d: KObj): boolean {
    const oldPodsCount = sum(oldRSs, specReplicas)
    if (oldPodsCount === 0) return false
    const allPodsCount = sum(allRSs, specReplicas)
    const maxUnavail = this.maxUnavailable(d)
    const minAvailable = d.spec.replicas - maxUnavail
    const newRSUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0)
    const maxScaledDown = allPodsCount - minAvailable - newRSUnavailable
    if (maxScaledDown <= 0) return false
    // cleanupUnhealthyReplicas: old ReplicaSets' unavailable pods go first.
    const sorted = [...oldRSs].sort(byCreation)
    let cleanupCount = 0
    const after: KObj[] = []
    for (const rs of sorted) {
      if (cleanupCount >= maxScaledDown) {
        after.push(rs)
        continue
      }
      const available = rs.status?.availableReplicas ?? 0
      if (specReplicas(rs) === 0 || specReplicas(rs) === available) {
        after.push(rs)
        continue
      }
      const scaledDownCount = Math.min(maxScaledDown - cleanupCount, specReplicas(rs) - available)
      const r = this.scaleReplicaSetAndRecordEvent(rs, specReplicas(rs) - scaledDownCount, d)
      cleanupCount += scaledDownCount
      after.push(r.rs)
    }
    // scaleDownOldReplicaSetsForRollingUpdate
    const all = [...after, newRS]
    const availablePodCount = sum(all, (rs) => rs.status?.availableReplicas)
    let scaledDown = 0
    if (availablePodCount > minAvailable) {
      const totalScaleDown = availablePodCount - minAvailable
      for (const rs of [...after].sort(byCreation)) {
        if (scaledDown >= totalScaleDown) break
        if (specReplicas(rs) === 0) continue
        const count = Math.min(specReplicas(rs), totalScaleDown - scaledDown)
        this.scaleReplicaSetAndRecordEvent(rs, specReplicas(rs) - count, d)
        scaledDown += count
      }
    }
    return cleanupCount + scaledDown > 0
  }

  private rolloutRecreate(input: KObj, rsList: KObj[]): void {
    let { d, newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(input, rsList, false)
    let scaledDown = false
    for (const rs of activeReplicaSets(oldRSs))
      scaledDown = this.scaleReplicaSetAndRecordEvent(rs, 0, d).scaled || scaledDown
    if (scaledDown) {
      const refreshed = this.refresh(d)
      this.syncRolloutStatus([...refreshed.oldRSs, refreshed.newRS], refreshed.newRS, refreshed.d)
      return
    }
    if (this.oldPodsRunning(newRS, oldRSs)) {
      this.syncRolloutStatus([...oldRSs, newRS], newRS, d)
      return
    }
    if (!newRS) {
      const got = this.getAllReplicaSetsAndSyncRevision(d, rsList, true)
      d = got.d
      newRS = got.newRS
      oldRSs = got.oldRSs
    }
    if (newRS) newRS = this.scaleReplicaSetAndRecordEvent(newRS, d.spec.replicas, d).rs
    if (this.isComplete(d, d.status ?? {})) this.cleanupDeployment(oldRSs, d)
    this.syncRolloutStatus([...oldRSs, newRS], newRS, d)
  }

  private oldPodsRunning(newRS: KObj | undefined, oldRSs: KObj[]): boolean {
    if (sum(oldRSs, (rs) => rs.status?.replicas) > 0) return true
    const pods = this.podsByReplicaSet(oldRSs.filter((rs) => rs !== newRS))
    for (const list of pods.values()) {
      // Any old pod not yet gone (terminating ones included) blocks a Recreate rollout.
      if (list.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true
    }
    void isPodActive
    return false
  }

  /** DeploymentComplete. */
  private isComplete(d: KObj, status: KObj): boolean {
    return (
      (status.updatedReplicas ?? 0) === d.spec.replicas &&
      (status.replicas ?? 0) === d.spec.replicas &&
      (status.availableReplicas ?? 0) === d.spec.replicas &&
      (status.observedGeneration ?? 0) >= d.metadata.generation
    )
  }

  private cleanupDeployment(oldRSs: KObj[], d: KObj): void {
    const limit = d.spec.revisionHistoryLimit
    if (limit === undefined || limit === null) return
    const cleanable = oldRSs.filter((rs) => rs && !rs.metadata.deletionTimestamp)
    const diff = cleanable.length - limit
    if (diff <= 0) return
    // ReplicaSetsByRevision: oldest revision first.
    cleanable.sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b))
    for (let i = 0; i < diff; i++) {
      const rs = cleanable[i]!
      if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0) continue
      if ((rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue
      this.api.delete(REPLICASETS, rs.metadata.namespace, rs.metadata.name)
    }
  }

  private calculateStatus(allRSs: (KObj | undefined)[], newRS: KObj | undefined, d: KObj): KObj {
    const available = sum(allRSs, (rs) => rs.status?.availableReplicas)
    const total = sum(allRSs, specReplicas)
    const status: KObj = {
      observedGeneration: d.metadata.generation,
      replicas: sum(allRSs, (rs) => rs.status?.replicas),
      updatedReplicas: sum([newRS], (rs) => rs.status?.replicas),
      readyReplicas: sum(allRSs, (rs) => rs.status?.readyReplicas),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, total - available),
    }
    if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount
    status.conditions = clone(d.status?.conditions ?? [])
    if (available >= d.spec.replicas - this.maxUnavailable(d)) {
      setCondition(
        status,
        newCondition('Available', 'True', REASONS.MinimumReplicasAvailable, 'Deployment has minimum availability.'),
      )
    } else {
      setCondition(
        status,
        newCondition(
          'Available',
          'False',
          REASONS.MinimumReplicasUnavailable,
          'Deployment does not have minimum availability.',
        ),
      )
    }
    return status
  }

  private syncDeploymentStatus(allRSs: (KObj | undefined)[], newRS: KObj | undefined, d: KObj): void {
    const status = this.calculateStatus(allRSs, newRS, d)
    this.writeStatus(d, status)
  }

  private writeStatus(d: KObj, status: KObj): void {
    if (deepEqual(compact(d.status ?? {}), compact(status))) return
    const stored = this.api.store.get(DEPLOYMENTS, d.metadata.namespace, d.metadata.name)
    stored.status = compact(status)
    this.api.store.update(DEPLOYMENTS, stored, { statusOnly: true })
  }

  private syncRolloutStatus(allRSs: (KObj | undefined)[], newRS: KObj | undefined, input: KObj): void {
    const d = this.api.store.get(DEPLOYMENTS, input.metadata.namespace, input.metadata.name)
    const freshRS = (list: (KObj | undefined)[]) =>
      list.map((rs) => (rs ? (this.api.store.tryGet(REPLICASETS, rs.metadata.namespace, rs.metadata.name) ?? rs) : rs))
    const all = freshRS(allRSs)
    const fresh = freshRS([newRS])[0]
    const newStatus = this.calculateStatus(all, fresh, d)
    if (!hasProgressDeadline(d)) removeCondition(newStatus, 'Progressing')
    const currentCond = getCondition(d.status ?? {}, 'Progressing')
    const isCompleteDeployment =
      newStatus.replicas === newStatus.updatedReplicas && currentCond?.reason === REASONS.NewRSAvailable
    if (hasProgressDeadline(d) && !isCompleteDeployment) {
      const rsName = fresh?.metadata.name
      if (this.isComplete(d, newStatus)) {
        const msg = rsName
          ? `ReplicaSet "${rsName}" has successfully progressed.`
          : `Deployment "${d.metadata.name}" has successfully progressed.`
        setCondition(newStatus, newCondition('Progressing', 'True', REASONS.NewRSAvailable, msg))
      } else if (this.isProgressing(d, newStatus)) {
        const msg = rsName
          ? `ReplicaSet "${rsName}" is progressing.`
          : `Deployment "${d.metadata.name}" is progressing.`
        const condition = newCondition('Progressing', 'True', REASONS.RSUpdated, msg)
        if (currentCond) {
          if (currentCond.status === 'True') condition.lastTransitionTime = currentCond.lastTransitionTime
          removeCondition(newStatus, 'Progressing')
        }
        setCondition(newStatus, condition)
      } else if (this.timedOut(d, newStatus)) {
        const msg = rsName
          ? `ReplicaSet "${rsName}" has timed out progressing.`
          : `Deployment "${d.metadata.name}" has timed out progressing.`
        setCondition(newStatus, newCondition('Progressing', 'False', REASONS.TimedOut, msg))
      }
    }
    const failure = this.replicaFailure(all, fresh)
    if (failure) setCondition(newStatus, failure)
    else removeCondition(newStatus, 'ReplicaFailure')
    this.writeStatus(d, newStatus)
  }

  /** DeploymentProgressing: more updated, fewer old, more ready or more available than before. */
  private isProgressing(d: KObj, newStatus: KObj): boolean {
    const old = d.status ?? {}
    const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0)
    const newOld = (newStatus.replicas ?? 0) - (newStatus.updatedReplicas ?? 0)
    return (
      (newStatus.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
      newOld < oldOld ||
      (newStatus.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
      (newStatus.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
    )
  }

  private timedOut(d: KObj, newStatus: KObj): boolean {
    const condition = getCondition(newStatus, 'Progressing')
    if (!condition) return false
    if (condition.reason === REASONS.NewRSAvailable) return false
    if (condition.reason === REASONS.TimedOut) return true
    const from = Date.parse(condition.lastUpdateTime)
    return from + d.spec.progressDeadlineSeconds * 1000 * this.api.timeScale < this.now()
  }

  /** getReplicaFailures: the new ReplicaSet's ReplicaFailure condition, else an old one's. */
  private replicaFailure(allRSs: (KObj | undefined)[], newRS: KObj | undefined): KObj | undefined {
    const pick = (rs: KObj | undefined) => (rs?.status?.conditions ?? []).find((c: KObj) => c.type === 'ReplicaFailure')
    const fromRS = pick(newRS) ?? allRSs.map(pick).find(Boolean)
    if (!fromRS) return undefined
    return {
      type: 'ReplicaFailure',
      status: fromRS.status,
      lastUpdateTime: fromRS.lastTransitionTime,
      lastTransitionTime: fromRS.lastTransitionTime,
      reason: fromRS.reason,
      message: fromRS.message,
    }
  }

  /** Requeue of stuck deployments: the tick re-syncs every deployment, so the deadline is noticed in time. */
}

/** Drop zero-valued optional fields the real server omits (omitempty). */
function compact(status: KObj): KObj {
  const out: KObj = {}
  for (const [k, v] of Object.entries(status)) {
    if (v === 0 && k !== 'observedGeneration') continue
    if (Array.isArray(v) && v.length === 0) continue
    if (v === undefined) continue
    out[k] = v
  }
  return out
}
