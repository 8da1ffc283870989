// The ReplicaSet controller: creates and deletes pods to match spec.replicas and reports
// replicas, fullyLabeledReplicas, readyReplicas, availableReplicas and observedGeneration.
import type { Api } from './api.ts'
import { recordEvent } from './events.ts'
import { resourceByKind } from './resources.ts'
import { fromLabelSelector, matchesLabels } from './selectors.ts'
import { ApiError } from './status.ts'
import { clone, deepEqual, isoNow, type KObj } from './types.ts'
import {
  controllerRef,
  isControlledBy,
  isPodActive,
  isPodAvailable,
  isPodReady,
  ObjectController,
  ownerReference,
  podCondition,
} from './util.ts'

const REPLICASETS = resourceByKind('ReplicaSet')
const PODS = resourceByKind('Pod')

/** controller.GetPodFromTemplate: labels, annotations and spec from the template, owned by the controller. */
export function podFromTemplate(owner: KObj, template: KObj): KObj {
  return {
    metadata: {
      generateName: `${owner.metadata.name}-`,
      namespace: owner.metadata.namespace,
      labels: clone(template.metadata?.labels ?? {}),
      annotations: clone(template.metadata?.annotations ?? {}),
      ownerReferences: [ownerReference(owner)],
    },
    spec: clone(template.spec),
  }
}

function phaseRank(phase: string | undefined): number {
  return phase === 'Pending' ? 0 : phase === 'Unknown' ? 1 : phase === 'Running' ? 2 : 3
}

/** controller.ActivePods ordering: the pods to delete first come first. */
export function deletionOrder(a: KObj, b: KObj): number {
  const assigned = (p: KObj) => (p.spec?.nodeName ? 1 : 0)
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b)
  const pr = phaseRank(a.status?.phase) - phaseRank(b.status?.phase)
  if (pr !== 0) return pr
  const ready = (p: KObj) => (isPodReady(p) ? 1 : 0)
  if (ready(a) !== ready(b)) return ready(a) - ready(b)
  if (isPodReady(a) && isPodReady(b)) {
    const ta = Date.parse(podCondition(a, 'Ready')?.lastTransitionTime ?? '')
    const tb = Date.parse(podCondition(b, 'Ready')?.lastTransitionTime ?? '')
    if (ta !== tb) return tb - ta
  }
  const restarts = (p: KObj) =>
    (p.status?.containerStatuses ?? []).reduce((n: number, c: KObj) => n + (c.restartCount ?? 0), 0)
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a)
  return Date.parse(b.metadata.creationTimestamp) - Date.parse(a.metadata.creationTimestamp)
}

export class ReplicaSetController extends ObjectController {
  /** Pods the API refused, by ReplicaSet uid: the message, and when to try again (the work queue's back-off). */
  private readonly createFailures = new Map<string, { message: string; retryAt: number }>()

  constructor(api: Api, now: () => number = Date.now) {
    super(api, REPLICASETS, now)
  }

  private podsFor(rs: KObj): KObj[] {
    const selector = fromLabelSelector(rs.spec.selector)
    const out: KObj[] = []
    for (const pod of this.api.store.list(PODS, { namespace: rs.metadata.namespace })) {
      if (isControlledBy(pod, rs)) out.push(pod)
      else if (
        !controllerRef(pod) &&
        selector.length &&
        isPodActive(pod) &&
        matchesLabels(selector, pod.metadata.labels)
      ) {
        pod.metadata.ownerReferences = [...(pod.metadata.ownerReferences ?? []), ownerReference(rs)]
        out.push(this.api.store.update(PODS, pod))
      }
    }
    return out
  }

  protected sync(rs: KObj): void {
    const pods = this.podsFor(rs)
    const active = pods.filter(isPodActive)
    const diff = active.length - (rs.spec.replicas ?? 0)
    const failed = this.createFailures.get(rs.metadata.uid)
    if (diff < 0 && (!failed || this.now() >= failed.retryAt)) {
      for (let i = 0; i < -diff; i++) {
        let pod: KObj
        try {
          pod = this.api.create(PODS, rs.metadata.namespace, podFromTemplate(rs, rs.spec.template))
          this.createFailures.delete(rs.metadata.uid)
        } catch (error) {
          // The API refused the pod (admission, quota): FailedCreate and the ReplicaFailure condition, as manageReplicas does.
          if (!(error instanceof ApiError)) throw error
          this.createFailures.set(rs.metadata.uid, {
            message: error.message,
            retryAt: this.now() + 1000 * this.api.timeScale,
          })
          recordEvent(this.api, {
            involved: rs,
            type: 'Warning',
            reason: 'FailedCreate',
            message: `Error creating: ${error.message}`,
            component: 'replicaset-controller',
          })
          break
        }
        recordEvent(this.api, {
          involved: rs,
          type: 'Normal',
          reason: 'SuccessfulCreate',
          message: `Created pod: ${pod.metadata.name}`,
          component: 'replicaset-controller',
        })
      }
    } else if (diff > 0) {
      for (const pod of [...active].sort(deletionOrder).slice(0, diff)) {
        this.api.delete(PODS, pod.metadata.namespace, pod.metadata.name)
        recordEvent(this.api, {
          involved: rs,
          type: 'Normal',
          reason: 'SuccessfulDelete',
          message: `Deleted pod: ${pod.metadata.name}`,
          component: 'replicaset-controller',
        })
      }
    }
    const templateLabels = fromLabelSelector({ matchLabels: rs.spec.template?.metadata?.labels ?? {} })
    const minReady = rs.spec.minReadySeconds ?? 0
    const status: KObj = {
      replicas: active.length,
      fullyLabeledReplicas: active.filter((p) => matchesLabels(templateLabels, p.metadata.labels)).length,
      readyReplicas: active.filter(isPodReady).length,
      availableReplicas: active.filter((p) => isPodAvailable(p, minReady, this.now(), this.api.timeScale)).length,
      observedGeneration: rs.metadata.generation,
    }
    for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'])
      if (status[k] === 0) delete status[k]
    const failure = this.createFailures.get(rs.metadata.uid)?.message
    const others = (rs.status?.conditions ?? []).filter((c: KObj) => c.type !== 'ReplicaFailure')
    const previous = (rs.status?.conditions ?? []).find((c: KObj) => c.type === 'ReplicaFailure')
    const conditions = failure
      ? [
          ...others,
          {
            type: 'ReplicaFailure',
            status: 'True',
            lastTransitionTime: previous?.lastTransitionTime ?? isoNow(),
            reason: 'FailedCreate',
            message: failure,
          },
        ]
      : others
    if (conditions.length) status.conditions = conditions
    if (!deepEqual(rs.status, status)) {
      const stored = this.api.store.get(REPLICASETS, rs.metadata.namespace, rs.metadata.name)
      stored.status = status
      this.api.store.update(REPLICASETS, stored, { statusOnly: true })
    }
  }
}
