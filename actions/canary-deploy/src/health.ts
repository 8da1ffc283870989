// Canary pod health between steps: image pulls that fail, crashes beyond `max-restarts`,
// OOMKilled, readiness failures; each with the pod's reason and its recent Events (the pod
// model is packages/kube's, as `kubectl describe pod` reads it). Pure.
import { formatEvent, formatProblem, type KubeEvent, type Pod, podProblems, recentEvents } from '@deploy-actions/kube'

const PULL_FAILURES = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull'])
const CONFIG_FAILURES = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError'])

export interface PodHealth {
  ok: boolean
  /** Pods counted, and how many are Ready. */
  total: number
  ready: number
  /** One line per failing pod: `pod web-canary-x container app: CrashLoopBackOff, 2 restarts`. */
  failures: string[]
  /** The failing pods' recent Events, as kubectl describe prints them. */
  events: string[]
}

export const isPodReady = (pod: Pod): boolean =>
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false

/**
 * Judges the canary pods. `requireReady`: a pod that is not Ready is a failure (during analysis,
 * after all pods were Ready once); while waiting for the first readiness it is not.
 */
export function judgePods(
  pods: readonly Pod[],
  events: readonly KubeEvent[],
  options: { maxRestarts: number; requireReady: boolean },
): PodHealth {
  const failures: string[] = []
  const failing: string[] = []
  let ready = 0
  for (const pod of pods) {
    if ((pod.metadata as { deletionTimestamp?: unknown } | undefined)?.deletionTimestamp) continue // going away
    const name = pod.metadata?.name ?? ''
    if (isPodReady(pod)) ready++
    const restarts = Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount))
    let failed = false
    for (const p of podProblems(pod)) {
      const crash = p.reason === 'CrashLoopBackOff' || p.reason === 'Error' || p.reason === 'Completed'
      if (
        PULL_FAILURES.has(p.reason) ||
        CONFIG_FAILURES.has(p.reason) ||
        p.reason === 'OOMKilled' ||
        p.lastTermination?.startsWith('OOMKilled') ||
        p.reason === 'Unschedulable' ||
        p.reason === 'Evicted' ||
        (crash && Math.max(p.restartCount, 1) > options.maxRestarts)
      ) {
        failures.push(formatProblem(p))
        failed = true
      }
    }
    if (!failed && restarts > options.maxRestarts) {
      failures.push(`pod ${name}: ${restarts} restarts (max-restarts ${options.maxRestarts})`)
      failed = true
    }
    const readiness = pod.status?.conditions?.find((c) => c.type === 'Ready')
    if (!failed && options.requireReady && !isPodReady(pod) && restarts <= options.maxRestarts && restarts === 0) {
      failures.push(`pod ${name}: not Ready${readiness?.reason ? ` (${readiness.reason})` : ''}`)
      failed = true
    }
    if (failed) failing.push(name)
  }
  const lines = failing.flatMap((name) => recentEvents(events, name, 3).map((e) => `${name}: ${formatEvent(e)}`))
  return { ok: failures.length === 0, total: pods.length, ready, failures, events: lines }
}
