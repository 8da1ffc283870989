// `kubectl rollout status deployment/<name> --timeout=…`: client-node's informer follows the
// Deployment (deployment-informer.ts: list, then watch from the list's resourceVersion, resumed
// after a drop, relisted after 410 Gone) and every object it brings is judged by kubectl's rules
// (status.ts), as kubectl's UntilWithSync condition does (k8s.io/kubectl/pkg/cmd/rollout/
// rollout_status.go). Progress lines come at least every `progressEveryMs`; a failure (progress
// deadline, timeout, deletion) reports the failing pods' reasons and their recent Events.
import { type Clock, ConfigurationError, DeployError, formatDuration, realClock } from '@deploy-actions/kit'
import { apiMessage, type KubeApi } from './client.ts'
import { followDeployment } from './deployment-informer.ts'
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
  /** First delay before restarting the informer after a failed watch or list (doubles up to 5 s; default 200 ms). */
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
  /** How many times the informer connected again (after a drop, a 410 relist or a server-side close). */
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
  const { namespace, name, log, signal } = options
  const started = clock.now()
  const deadline = started + options.timeoutMs
  const progressEvery = options.progressEveryMs ?? 20_000
  const diagnoseOn = options.diagnose ?? true
  const what = `deployment "${name}" rollout`
  signal?.throwIfAborted()

  const follower = await followDeployment(api, {
    namespace,
    name,
    clock,
    reconnectDelayMs: options.reconnectDelayMs,
    onDrop: (cause) => log(`watch of ${what} closed (${cause}); reconnecting`),
  })
  let deployment: Deployment | undefined
  let lastMessage = ''
  let lastProgress = started
  const judge = async (d: Deployment): Promise<RolloutResult | undefined> => {
    const state: RolloutState = deploymentRolloutState(d, options.revision ?? 0)
    if (state.message !== lastMessage) {
      lastMessage = state.message
      log(state.message)
    }
    if (isFailed(state)) throw await failure(api, d, state.reason, state.message, log, diagnoseOn)
    if (!state.done) return undefined
    return {
      deployment: d,
      message: state.message,
      revision: revisionOf(d),
      elapsedMs: clock.now() - started,
      reconnects: follower.reconnects,
    }
  }

  try {
    for (;;) {
      signal?.throwIfAborted()
      // Until the first list answers, wait for it as for a GET (not by the clock): kubectl too
      // reads the object before it starts its timeout.
      const event = deployment ? await nextOrTimeout() : await follower.next(Number.POSITIVE_INFINITY, signal)
      if (!event) continue
      if (event.type === 'failed') throw event.error
      if (event.type === 'missing') {
        throw new RolloutFailedError(`deployments.apps "${name}" not found`, {
          reason: 'NotFound',
          problems: [],
          details: [],
          deployment: undefined,
        })
      }
      // kubectl: "We need to abort to avoid cases of recreation and not to silently watch the wrong (new) object".
      if (event.type === 'deleted') {
        throw new RolloutFailedError('object has been deleted', {
          reason: 'Deleted',
          problems: [],
          details: [],
          deployment,
        })
      }
      deployment = event.deployment
      const done = await judge(deployment)
      if (done) return done
    }
  } finally {
    follower.stop()
  }

  /** The next event; throws at the deadline; logs a progress line when one is due. */
  async function nextOrTimeout() {
    const now = clock.now()
    if (now >= deadline) {
      const message = `timed out after ${formatDuration(options.timeoutMs)} waiting for ${what} to finish: ${lastMessage}`
      throw await failure(api, deployment!, 'Timeout', message, log, diagnoseOn)
    }
    if (now - lastProgress >= progressEvery) {
      lastProgress = now
      const pods = diagnoseOn ? await podSummary(api, deployment!) : ''
      log(`waiting for ${what}: ${formatDuration(now - started)} so far (${lastMessage}${pods ? `; ${pods}` : ''})`)
    }
    return follower.next(Math.max(1, Math.min(deadline - now, lastProgress + progressEvery - now)), signal)
  }
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
