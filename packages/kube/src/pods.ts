// Why a rollout's pods are failing, read from their status and Events as `kubectl describe pod`
// shows it: waiting reasons (ImagePullBackOff, ErrImagePull, CrashLoopBackOff, …), the last
// termination (OOMKilled, Error with exit code), restart counts, unschedulable pods. Pure.
import { POD_TEMPLATE_HASH_LABEL } from './revisions.ts'
import type { ContainerStatus, KubeEvent, Pod, ReplicaSet } from './types.ts'
import { timeOf } from './types.ts'

/** Waiting reasons that are not a problem, only a pod on its way up. */
const BENIGN_WAITING = new Set(['ContainerCreating', 'PodInitializing'])

export interface PodProblem {
  pod: string
  container: string | undefined
  /** CrashLoopBackOff, ImagePullBackOff, ErrImagePull, OOMKilled, Unschedulable, Evicted, … */
  reason: string
  message: string | undefined
  restartCount: number
  /** The previous run's end, e.g. `OOMKilled (exit 137)`. */
  lastTermination: string | undefined
}

/** The problems of one pod (none for a healthy or still-starting pod). */
export function podProblems(pod: Pod): PodProblem[] {
  const name = pod.metadata?.name ?? ''
  const out: PodProblem[] = []
  const status = pod.status ?? {}
  if (status.phase === 'Failed') {
    out.push(problem(name, undefined, status.reason ?? 'Failed', status.message, 0, undefined))
  }
  const scheduled = status.conditions?.find((c) => c.type === 'PodScheduled')
  if (scheduled?.status === 'False') {
    out.push(problem(name, undefined, scheduled.reason ?? 'Unschedulable', scheduled.message, 0, undefined))
  }
  for (const cs of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
    const p = containerProblem(name, cs)
    if (p) out.push(p)
  }
  return out
}

function containerProblem(pod: string, cs: ContainerStatus): PodProblem | undefined {
  const last = cs.lastState?.terminated
  const lastTermination = last ? `${last.reason ?? 'Terminated'} (exit ${last.exitCode})` : undefined
  const waiting = cs.state?.waiting
  if (waiting?.reason && !BENIGN_WAITING.has(waiting.reason)) {
    return problem(pod, cs.name, waiting.reason, waiting.message, cs.restartCount, lastTermination)
  }
  const terminated = cs.state?.terminated
  if (terminated && (terminated.exitCode !== 0 || terminated.reason === 'OOMKilled')) {
    return problem(pod, cs.name, terminated.reason ?? 'Error', terminated.message, cs.restartCount, lastTermination)
  }
  if (cs.restartCount > 0 && last && last.reason !== 'Completed') {
    // Running again after a crash: the crash is the news (an OOMKilled container looks like this).
    return problem(pod, cs.name, last.reason ?? 'Error', last.message, cs.restartCount, lastTermination)
  }
  return undefined
}

function problem(
  pod: string,
  container: string | undefined,
  reason: string,
  message: string | undefined,
  restartCount: number,
  lastTermination: string | undefined,
): PodProblem {
  return { pod, container, reason, message: message || undefined, restartCount, lastTermination }
}

/** `pod web-7d9-abc container app: CrashLoopBackOff, 4 restarts, last OOMKilled (exit 137): back-off …` */
export function formatProblem(p: PodProblem): string {
  const where = p.container ? `pod ${p.pod} container ${p.container}` : `pod ${p.pod}`
  const details = [
    p.restartCount > 0 ? `${p.restartCount} restart${p.restartCount === 1 ? '' : 's'}` : '',
    p.lastTermination && !p.lastTermination.startsWith(p.reason) ? `last ${p.lastTermination}` : '',
  ].filter(Boolean)
  return `${where}: ${p.reason}${details.length ? `, ${details.join(', ')}` : ''}${p.message ? `: ${p.message}` : ''}`
}

/** One line for progress output: `2 pods CrashLoopBackOff (5 restarts), 1 pod ImagePullBackOff`. */
export function summarizeProblems(problems: readonly PodProblem[]): string {
  const byReason = new Map<string, { pods: Set<string>; restarts: number }>()
  for (const p of problems) {
    const e = byReason.get(p.reason) ?? { pods: new Set(), restarts: 0 }
    e.pods.add(p.pod)
    e.restarts = Math.max(e.restarts, p.restartCount)
    byReason.set(p.reason, e)
  }
  return [...byReason]
    .map(
      ([reason, e]) =>
        `${e.pods.size} pod${e.pods.size === 1 ? '' : 's'} ${reason}${e.restarts ? ` (${e.restarts} restarts)` : ''}`,
    )
    .join(', ')
}

/** The pods of a rollout's new ReplicaSet (by controller owner, else by pod-template-hash). */
export function podsOfReplicaSet(rs: ReplicaSet, pods: readonly Pod[]): Pod[] {
  const uid = rs.metadata?.uid
  const hash = rs.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL]
  return pods.filter((pod) => {
    const owner = pod.metadata?.ownerReferences?.find((o) => o.controller)
    if (owner && uid) return owner.uid === uid
    return hash !== undefined && pod.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] === hash
  })
}

/** When an Event last happened (kubectl's sort: lastTimestamp, else eventTime, else creation). */
export function eventTime(e: KubeEvent): number {
  return (
    timeOf(e.lastTimestamp) || timeOf(e.eventTime) || timeOf(e.firstTimestamp) || timeOf(e.metadata?.creationTimestamp)
  )
}

/** The newest `limit` Events about one object, oldest first (as `kubectl describe` lists them). */
export function recentEvents(events: readonly KubeEvent[], objectName: string, limit = 5): KubeEvent[] {
  return events
    .filter((e) => e.involvedObject?.name === objectName)
    .sort((a, b) => eventTime(a) - eventTime(b))
    .slice(-limit)
}

/** `Warning  BackOff  kubelet  (x5)  Back-off restarting failed container app in pod …` */
export function formatEvent(e: KubeEvent): string {
  const from = e.source?.component || e.reportingComponent || ''
  const count = e.count && e.count > 1 ? ` (x${e.count})` : ''
  return `${e.type ?? 'Normal'}  ${e.reason ?? ''}  ${from}${count}  ${(e.message ?? '').trim()}`.replace(
    / {3,}/g,
    '  ',
  )
}
