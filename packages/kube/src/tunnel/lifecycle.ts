// The life of a proxy pod: removing the ones earlier runs left behind (found by the owner label,
// stale once their heartbeat stops), creating this run's, waiting until it is Ready with a clear
// reason when it cannot be (image not pulled, unschedulable, never ready), keeping its heartbeat
// while the tunnel is in use, and removing it whatever happened. Over the ObjectsApi port.
import { type Clock, DeployError, type Logger, realClock, WaitTimeoutError, waitUntil } from '@deploy-actions/kit'
import type { KubeObject, ObjectRef, ObjectsApi } from '../objects.ts'
import { formatProblem, podProblems } from '../pods.ts'
import type { Pod } from '../types.ts'
import { labelValue, TUNNEL_CREATED_ANNOTATION, TUNNEL_OWNER_LABEL, TUNNEL_RUN_LABEL } from './spec.ts'

/** Refreshed while this run uses its proxy pod; a pod whose heartbeat is older than STALE_AFTER_MS is abandoned. */
export const TUNNEL_HEARTBEAT_ANNOTATION = 'deploy-actions.dev/heartbeat'
export const HEARTBEAT_EVERY_MS = 30_000
export const STALE_AFTER_MS = 3 * 60_000

/** The proxy pod could not be made ready, or the tunnel broke. */
export class TunnelError extends DeployError {
  override name = 'TunnelError'
}

const podRef = (namespace: string, name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'Pod', namespace, name })

/** Reasons a pod will not get past by waiting longer. */
const FATAL = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'OOMKilled',
  'Error',
  'Failed',
  'DeadlineExceeded',
  'Evicted',
])

function isReady(pod: Pod): boolean {
  return (
    pod.status?.phase === 'Running' &&
    Boolean(pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
  )
}

/** When the pod last showed life: its heartbeat, else its creation. */
function lastSign(pod: KubeObject): number {
  const a = pod.metadata?.annotations ?? {}
  for (const text of [a[TUNNEL_HEARTBEAT_ANNOTATION], a[TUNNEL_CREATED_ANNOTATION], pod.metadata?.creationTimestamp]) {
    const t = text ? Date.parse(String(text)) : Number.NaN
    if (!Number.isNaN(t)) return t
  }
  return 0
}

/**
 * Deletes the proxy pods of `owner` in `namespace` that no run keeps alive any more (heartbeat
 * older than STALE_AFTER_MS, or finished), except `keep`. A concurrent run's live pod is left alone.
 * Returns the names removed.
 */
export async function removeStaleProxyPods(
  objects: ObjectsApi,
  namespace: string,
  owner: string,
  options: { log: Logger; keep?: string; now?: number },
): Promise<string[]> {
  const now = options.now ?? Date.now()
  const pods = await objects.list<Pod & KubeObject>(
    'v1',
    'Pod',
    namespace,
    `${TUNNEL_OWNER_LABEL}=${labelValue(owner)}`,
  )
  const removed: string[] = []
  for (const pod of pods) {
    const name = pod.metadata?.name ?? ''
    if (!name || name === options.keep) continue
    // Already being deleted (its grace period running): nothing left to do.
    if (pod.metadata?.deletionTimestamp) continue
    const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed'
    const idle = now - lastSign(pod)
    if (!finished && idle < STALE_AFTER_MS) {
      options.log.info(
        `proxy pod ${namespace}/${name} belongs to a run still in progress (heartbeat ${Math.round(idle / 1000)} s ago); left alone`,
      )
      continue
    }
    if (await objects.delete(podRef(namespace, name))) {
      const run = pod.metadata?.labels?.[TUNNEL_RUN_LABEL]
      options.log.info(
        `removed stale proxy pod ${namespace}/${name}${run ? ` of run ${run}` : ''} (no heartbeat for ${Math.round(idle / 1000)} s)`,
      )
      removed.push(name)
    }
  }
  return removed
}

export interface WaitReadyOptions {
  timeoutMs: number
  log: Logger
  clock?: Clock
  signal?: AbortSignal
  intervalMs?: number
  /** What the pod forwards to, for the hint when it never turns Ready. */
  target?: string
}

/** Creates the proxy pod (an existing one of the same name is an error: names carry a random suffix). */
export async function createProxyPod(objects: ObjectsApi, manifest: KubeObject, now: Date = new Date()): Promise<Pod> {
  const body = structuredClone(manifest)
  body.metadata = {
    ...body.metadata,
    annotations: { ...body.metadata?.annotations, [TUNNEL_HEARTBEAT_ANNOTATION]: now.toISOString() },
  }
  return objects.create<Pod & KubeObject>(body, { fieldManager: 'deploy-actions' })
}

/**
 * Waits until the pod is Running and Ready. Fails at once on a reason waiting will not cure
 * (ImagePullBackOff, CrashLoopBackOff, …); on timeout says what it last saw (Pending and why,
 * or running but not ready).
 */
export async function waitProxyPodReady(
  objects: ObjectsApi,
  namespace: string,
  name: string,
  options: WaitReadyOptions,
): Promise<Pod> {
  const ref = podRef(namespace, name)
  try {
    return await waitUntil<Pod>(
      async () => {
        const pod = await objects.find<Pod & KubeObject>(ref)
        if (!pod)
          throw new TunnelError(
            `proxy pod ${namespace}/${name} disappeared before it was ready (deleted by someone else?)`,
          )
        if (isReady(pod)) return { done: pod }
        const problems = podProblems(pod)
        const fatal = problems.find((p) => FATAL.has(p.reason))
        if (fatal)
          throw new TunnelError(
            `proxy pod ${namespace}/${name} cannot start: ${formatProblem(fatal)}${hint(fatal.reason)}`,
          )
        return { detail: describe(pod, problems.map(formatProblem)) }
      },
      {
        what: `proxy pod ${namespace}/${name} to be Ready`,
        timeoutMs: options.timeoutMs,
        intervalMs: options.intervalMs ?? 250,
        log: (line) => options.log.info(line),
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
    )
  } catch (error) {
    if (error instanceof WaitTimeoutError) {
      const pod = await objects.find<Pod & KubeObject>(ref).catch(() => undefined)
      const why =
        pod?.status?.phase === 'Pending'
          ? ' (still Pending: no node can take it, or its image is slow to pull)'
          : pod?.status?.phase === 'Running'
            ? ` (running but never Ready: the proxy is not listening${options.target ? `; can the pod reach ${options.target}? a NetworkPolicy may block it` : ''})`
            : ''
      throw new TunnelError(`${error.message}${why}`)
    }
    throw error
  }
}

function hint(reason: string): string {
  if (/Image/.test(reason))
    return ' (set tunnel-image to an image your cluster can pull, e.g. a mirror in your own registry)'
  if (reason === 'CreateContainerConfigError') return ' (check tunnel-pod-spec)'
  return ''
}

function describe(pod: Pod, problems: string[]): string {
  const phase = pod.status?.phase ?? 'Pending'
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled')
  if (problems.length) return `${phase}: ${problems.join('; ')}`
  if (scheduled?.status === 'False')
    return `${phase}: ${scheduled.reason ?? 'Unschedulable'} ${scheduled.message ?? ''}`.trim()
  const waiting = pod.status?.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting?.reason
  return waiting ? `${phase}: ${waiting}` : phase
}

/** Refreshes the pod's heartbeat until stopped, so a later run does not take it for abandoned. */
export function keepHeartbeat(
  objects: ObjectsApi,
  namespace: string,
  name: string,
  options: { everyMs?: number; log: Logger; clock?: Clock },
): { stop(): void } {
  const clock = options.clock ?? realClock
  const controller = new AbortController()
  void (async () => {
    while (!controller.signal.aborted) {
      try {
        await clock.sleep(options.everyMs ?? HEARTBEAT_EVERY_MS, controller.signal)
      } catch {
        return
      }
      await objects
        .mergePatch(podRef(namespace, name), {
          metadata: { annotations: { [TUNNEL_HEARTBEAT_ANNOTATION]: new Date(clock.now()).toISOString() } },
        })
        .catch((error: unknown) =>
          options.log.debug(`heartbeat of ${namespace}/${name} not written: ${(error as Error).message}`),
        )
    }
  })()
  return { stop: () => controller.abort() }
}

/** Deletes the proxy pod (no grace: nothing in it needs to finish); true when it was there. */
export async function removeProxyPod(objects: ObjectsApi, namespace: string, name: string): Promise<boolean> {
  return objects.delete(podRef(namespace, name))
}
