// `kubectl rollout status deployment/<name> --timeout=…` by watch: one GET, then a watch from its
// resourceVersion; every event is judged by kubectl's rules (status.ts). A dropped watch is
// re-established from a fresh GET; a 410 Gone starts over; progress lines come at least every
// `progressEveryMs`; a failure (progress deadline, timeout, deletion) reports the failing pods'
// reasons and their recent Events.
import { type Clock, ConfigurationError, DeployError, formatDuration, realClock } from '@deploy-actions/kit'
import { apiMessage, isNotFound, type KubeApi, type WatchEventType, type WatchHandle } from './client.ts'
import { replicaSetsOf } from './history.ts'
import {
  formatEvent,
  formatProblem,
  type PodProblem,
  podProblems,
  podsOfReplicaSet,
  recentEvents,
  summarizeProblems,
} from './pods.ts'
import { findNewReplicaSet, revisionOf } from './revisions.ts'
import { deploymentRolloutState, isFailed, type RolloutState } from './status.ts'
import type { Deployment, Pod } from './types.ts'
import { labelSelectorString } from './types.ts'

export interface RolloutWaitOptions {
  namespace: string
  name: string
  /** Bounded wait (kubectl's --timeout); required, positive. */
  timeoutMs: number
  /** kubectl's --revision: 0 (default) accepts any. */
  revision?: number
  log: (line: string) => void
  /** A progress line at least this often (default 20 s). */
  progressEveryMs?: number
  /** First delay before re-watching after a drop (doubles up to 5 s; default 200 ms). */
  reconnectDelayMs?: number
  /** List pods for progress lines and failures (default true). */
  diagnose?: boolean
  clock?: Clock
  /** Aborted (a cancelled job): the wait stops, closes its watch and throws the signal's reason. */
  signal?: AbortSignal
}

export interface RolloutResult {
  deployment: Deployment
  message: string
  revision: number | undefined
  elapsedMs: number
  /** How many times the watch was re-established. */
  reconnects: number
}

export type RolloutFailure =
  | 'ProgressDeadlineExceeded'
  | 'Timeout'
  | 'Deleted'
  | 'NotFound'
  | 'RevisionMismatch'
  | 'BadRevision'

/** A rollout that did not complete, with what the pods and Events said. */
export class RolloutFailedError extends DeployError {
  override name = 'RolloutFailedError'
  readonly reason: RolloutFailure
  readonly problems: PodProblem[]
  /** Problem and Event lines, as logged. */
  readonly details: string[]
  readonly deployment: Deployment | undefined
  constructor(
    message: string,
    init: { reason: RolloutFailure; problems: PodProblem[]; details: string[]; deployment: Deployment | undefined },
  ) {
    const revision = init.deployment ? revisionOf(init.deployment) : undefined
    super(message, {
      leftState:
        init.reason === 'NotFound' || init.reason === 'Deleted'
          ? 'no deployment to roll out'
          : `deployment ${init.deployment?.metadata?.name ?? ''} at revision ${revision ?? '?'}, rollout incomplete`,
    })
    this.reason = init.reason
    this.problems = init.problems
    this.details = init.details
    this.deployment = init.deployment
  }
}

/** Waits until the Deployment has rolled out, as `kubectl rollout status` does, by watch. */
export async function waitForRollout(api: KubeApi, options: RolloutWaitOptions): Promise<RolloutResult> {
  if (!(options.timeoutMs > 0)) throw new ConfigurationError('timeout', 'a positive duration such as 10m')
  const clock = options.clock ?? realClock
  const { namespace, name, log } = options
  const started = clock.now()
  const deadline = started + options.timeoutMs
  const progressEvery = options.progressEveryMs ?? 20_000
  const diagnoseOn = options.diagnose ?? true
  const what = `deployment "${name}" rollout`

  let deployment: Deployment
  try {
    deployment = await api.readDeployment(namespace, name)
  } catch (error) {
    if (isNotFound(error)) {
      throw new RolloutFailedError(`deployments.apps "${name}" not found`, {
        reason: 'NotFound',
        problems: [],
        details: [],
        deployment: undefined,
      })
    }
    throw error
  }

  let lastMessage = ''
  let lastProgress = started
  let reconnects = 0
  const judge = async (d: Deployment): Promise<RolloutResult | undefined> => {
    const state: RolloutState = deploymentRolloutState(d, options.revision ?? 0)
    if (state.message !== lastMessage) {
      lastMessage = state.message
      log(state.message)
    }
    if (isFailed(state)) throw await failure(api, d, state.reason, state.message, log, diagnoseOn)
    if (state.done) {
      return {
        deployment: d,
        message: state.message,
        revision: revisionOf(d),
        elapsedMs: clock.now() - started,
        reconnects,
      }
    }
    return undefined
  }

  options.signal?.throwIfAborted()
  const first = await judge(deployment)
  if (first) return first

  // Watch events land in a queue; the loop below wakes on each one, on a close, or on a timer.
  const queue: Array<{ type: WatchEventType; object: unknown } | { closed: true; error?: unknown }> = []
  let wake: (() => void) | undefined
  const push = (item: (typeof queue)[number]) => {
    queue.push(item)
    wake?.()
  }
  let handle: WatchHandle | undefined
  let resourceVersion = deployment.metadata?.resourceVersion
  let reconnectDelay = options.reconnectDelayMs ?? 200
  const startWatch = async () => {
    try {
      handle = await api.watchDeployment(
        namespace,
        name,
        resourceVersion,
        (type, object) => push({ type, object }),
        (error) => push({ closed: true, error }),
      )
    } catch (error) {
      push({ closed: true, error })
    }
  }

  const onAbort = () => wake?.()
  options.signal?.addEventListener('abort', onAbort)
  try {
    await startWatch()
    for (;;) {
      options.signal?.throwIfAborted()
      if (clock.now() >= deadline) {
        const message = `timed out after ${formatDuration(options.timeoutMs)} waiting for ${what} to finish: ${lastMessage}`
        throw await failure(api, deployment, 'Timeout', message, log, diagnoseOn)
      }
      const item = queue.shift()
      if (!item) {
        const now = clock.now()
        if (now - lastProgress >= progressEvery) {
          lastProgress = now
          const pods = diagnoseOn ? await podSummary(api, deployment) : ''
          log(`waiting for ${what}: ${formatDuration(now - started)} so far (${lastMessage}${pods ? `; ${pods}` : ''})`)
        }
        const waitMs = Math.max(1, Math.min(deadline - now, lastProgress + progressEvery - now))
        await sleepUntilWoken(clock, waitMs, (w) => {
          wake = w
        })
        wake = undefined
        continue
      }
      if ('closed' in item) {
        // The stream ended (server timeout, network drop, inactivity): re-read, then watch again.
        handle = undefined
        reconnects++
        if (!routineClose(item.error)) {
          log(`watch of ${what} closed (${apiMessage(item.error)}); reconnecting`)
          await clock.sleep(Math.min(reconnectDelay, Math.max(0, deadline - clock.now())))
          reconnectDelay = Math.min(reconnectDelay * 2, 5000)
        }
        try {
          deployment = await api.readDeployment(namespace, name)
        } catch (error) {
          if (isNotFound(error)) throw deleted(deployment)
          push({ closed: true, error })
          continue
        }
        resourceVersion = deployment.metadata?.resourceVersion
        const done = await judge(deployment)
        if (done) return done
        await startWatch()
        continue
      }
      const object = item.object as Deployment & { code?: number; reason?: string; message?: string }
      if (item.type === 'BOOKMARK') {
        resourceVersion = object.metadata?.resourceVersion ?? resourceVersion
      } else if (item.type === 'ERROR') {
        // A Status object: 410 Gone means our resourceVersion is too old; start over from a GET.
        handle?.stop()
        push({
          closed: true,
          error: new Error(`${object.code ?? ''} ${object.reason ?? ''}: ${object.message ?? ''}`.trim()),
        })
      } else if (item.type === 'DELETED') {
        throw deleted(deployment)
      } else {
        if (object.metadata?.name !== name) continue
        deployment = object
        resourceVersion = object.metadata?.resourceVersion ?? resourceVersion
        reconnectDelay = options.reconnectDelayMs ?? 200
        const done = await judge(deployment)
        if (done) return done
      }
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
    handle?.stop()
  }
}

/**
 * A watch ending by design: the server closed it cleanly (its timeout), or client-node's
 * inactivity timer (30 s without a byte; API servers send bookmarks about once a minute)
 * aborted it. Re-watched at once and not logged, so long waits stay quiet.
 */
function routineClose(error: unknown): boolean {
  return error === undefined || error === null || (error as { name?: unknown }).name === 'TimeoutError'
}

function deleted(deployment: Deployment): RolloutFailedError {
  return new RolloutFailedError('object has been deleted', { reason: 'Deleted', problems: [], details: [], deployment })
}

function sleepUntilWoken(clock: Clock, ms: number, register: (wake: () => void) => void): Promise<void> {
  const controller = new AbortController()
  register(() => controller.abort())
  return clock.sleep(ms, controller.signal).catch(() => {})
}

/** Problems of the new ReplicaSet's pods, as one progress-line phrase ('' when none or unknown). */
async function podSummary(api: KubeApi, deployment: Deployment): Promise<string> {
  try {
    const { problems } = await rolloutPods(api, deployment)
    return summarizeProblems(problems)
  } catch {
    return ''
  }
}

async function rolloutPods(
  api: KubeApi,
  deployment: Deployment,
): Promise<{ pods: Pod[]; problems: PodProblem[]; replicaSet: string | undefined }> {
  const namespace = deployment.metadata?.namespace ?? 'default'
  const [replicaSets, all] = await Promise.all([
    replicaSetsOf(api, deployment),
    api.listPods(namespace, labelSelectorString(deployment.spec?.selector)),
  ])
  const newRs = findNewReplicaSet(deployment, replicaSets)
  const pods = newRs ? podsOfReplicaSet(newRs, all) : all
  return { pods, problems: pods.flatMap(podProblems), replicaSet: newRs?.metadata?.name }
}

/** Builds the failure: the kubectl message, then the failing pods and their recent Events (also logged). */
async function failure(
  api: KubeApi,
  deployment: Deployment,
  reason: RolloutFailure,
  message: string,
  log: (line: string) => void,
  diagnoseOn: boolean,
): Promise<RolloutFailedError> {
  const details: string[] = []
  let problems: PodProblem[] = []
  if (diagnoseOn && reason !== 'RevisionMismatch' && reason !== 'BadRevision') {
    try {
      const pods = await rolloutPods(api, deployment)
      problems = pods.problems
      const namespace = deployment.metadata?.namespace ?? 'default'
      const events = await api.listEvents(namespace)
      // The controller's own complaints first (quota, admission: ReplicaFailure / FailedCreate).
      const replicaFailure = deployment.status?.conditions?.find(
        (c) => c.type === 'ReplicaFailure' && c.status === 'True',
      )
      if (replicaFailure)
        details.push(
          `deployment condition ReplicaFailure: ${replicaFailure.reason ?? ''}: ${replicaFailure.message ?? ''}`,
        )
      for (const owner of [deployment.metadata?.name, pods.replicaSet]) {
        if (!owner) continue
        for (const e of recentEvents(events, owner, 3))
          if (e.type === 'Warning') details.push(`  ${owner}: ${formatEvent(e)}`)
      }
      const failingPods = [...new Set(problems.map((p) => p.pod))].slice(0, 5)
      for (const p of problems) details.push(formatProblem(p))
      for (const pod of failingPods) {
        for (const e of recentEvents(events, pod, 5)) details.push(`  ${pod}: ${formatEvent(e)}`)
      }
    } catch (error) {
      details.push(`(could not read the pods: ${apiMessage(error)})`)
    }
  }
  for (const line of details) log(line)
  const summary = problems.length ? `; ${[...new Set(problems.map(formatProblem))].slice(0, 3).join('; ')}` : ''
  return new RolloutFailedError(`${message}${summary}`, { reason, problems, details, deployment })
}
