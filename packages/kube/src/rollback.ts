// Roll a Deployment back and see it through: `kubectl rollout undo [--to-revision=N]` (history.ts,
// kubectl's polymorphichelpers/rollback.go semantics) or `kubectl set image` for a named image,
// then `kubectl rollout status` by watch (rollout.ts), whose failure carries the failing pods'
// reasons and Events. Used by the rollback action and by the canary's bake failure.
import { type Clock, realClock, waitUntil } from '@deploy-actions/kit'
import { isNotFound, type KubeApi } from './client.ts'
import { getRolloutHistory, undoRollout } from './history.ts'
import { imageRepository } from './names.ts'
import { type HistoryEntry, RollbackError, revisionOf } from './revisions.ts'
import { type RolloutResult, waitForRollout } from './rollout.ts'
import type { Container, Deployment } from './types.ts'
import { updateDeployment } from './update.ts'

export interface RollbackOptions {
  namespace: string
  name: string
  /** The revision to restore; 0 (default) is the previous one. Ignored with `image`. */
  toRevision?: number
  /** Roll to this image instead of a revision (the container is chosen by imageTarget). */
  image?: string
  /** Wait for the rollout status (default true). */
  wait?: boolean
  /** Bounds the wait (and, without `wait`, the wait for the controller to number the revision). */
  timeoutMs: number
  log: (line: string) => void
  progressEveryMs?: number
  clock?: Clock
  /** Aborted (a cancelled job): the wait stops with the signal's reason; a written change stays. */
  signal?: AbortSignal
  /** Called once the change is written, before the wait (what a failed or cancelled wait leaves). */
  onWritten?: (written: Omit<RollbackResult, 'revision' | 'rollout'>) => void
}

export interface RollbackResult {
  /** What was done: kubectl's `rolled back`, `skipped rollback (…)`, or `image web=… set`. */
  message: string
  /** Nothing to do: the Deployment already runs the target. */
  skipped: boolean
  /** The revision the Deployment was at before. */
  fromRevision: number | undefined
  /** The revision whose template was restored (undo only; the controller numbers it anew). */
  restoredRevision: number | undefined
  /** The Deployment's revision afterwards, as the controller numbered it. */
  revision: number | undefined
  /** Container images after and before, `name=image`, in pod spec order. */
  images: string[]
  previousImages: string[]
  /** The rollout status wait, when `wait`. */
  rollout: RolloutResult | undefined
}

const imagesOf = (d: Deployment | undefined) =>
  (d?.spec?.template.spec?.containers ?? []).map((c) => `${c.name}=${c.image ?? ''}`)

/**
 * The container an `image` goes into: the only one, else the one running the same repository.
 * Anything else is ambiguous and names the containers. Pure.
 */
export function imageTarget(containers: readonly Container[], image: string): Container {
  if (containers.length === 1) return containers[0]!
  const repository = imageRepository(image)
  const same = containers.filter((c) => c.image && imageRepository(c.image) === repository)
  if (same.length === 1) return same[0]!
  const list = containers.map((c) => `${c.name} (${c.image ?? 'no image'})`).join(', ')
  throw new RollbackError(
    same.length === 0
      ? `no container runs ${repository}; containers: ${list}`
      : `more than one container runs ${repository}: ${list}`,
  )
}

/**
 * Checks, before any write, that the Deployment exists and the target revision is in its history
 * (the error lists the revisions there are), or with `image`, that one container can take it.
 * Returns the history for the log.
 */
export async function checkRollbackTarget(
  api: KubeApi,
  namespace: string,
  name: string,
  toRevision = 0,
  image?: string,
): Promise<{ deployment: Deployment; entries: HistoryEntry[] }> {
  let history: Awaited<ReturnType<typeof getRolloutHistory>>
  try {
    history = await getRolloutHistory(api, namespace, name)
  } catch (error) {
    if (isNotFound(error)) throw new RollbackError(`deployment "${name}" not found in namespace "${namespace}"`)
    throw error
  }
  const { entries } = history
  if (image) {
    imageTarget(history.deployment.spec?.template.spec?.containers ?? [], image)
    return { deployment: history.deployment, entries }
  }
  const listed = entries.map((e) => `${e.revision}${e.current ? ' (current)' : ''}`).join(', ') || 'none'
  if (toRevision > 0 && !entries.some((e) => e.revision === toRevision)) {
    throw new RollbackError(
      `revision ${toRevision} is not in the history of deployment "${name}"; revisions: ${listed}`,
    )
  }
  if (toRevision === 0 && entries.length < 2) {
    throw new RollbackError(`deployment "${name}" has no previous revision to roll back to; revisions: ${listed}`)
  }
  return { deployment: history.deployment, entries }
}

/** Undo (or set the image), then wait for the rollout; a failed rollout throws RolloutFailedError. */
export async function rollbackDeployment(api: KubeApi, options: RollbackOptions): Promise<RollbackResult> {
  const { namespace, name, log } = options
  const clock = options.clock ?? realClock
  let result: Omit<RollbackResult, 'revision' | 'rollout'> & { deployment: Deployment }
  if (options.image) {
    const image = options.image
    let before: Deployment | undefined
    let target = ''
    const update = await updateDeployment(api, namespace, name, (current) => {
      before = current
      const container = imageTarget(current.spec?.template.spec?.containers ?? [], image)
      target = container.name
      if (container.image === image) return undefined
      const next = structuredClone(current)
      next.spec!.template.spec!.containers.find((c) => c.name === container.name)!.image = image
      return next
    })
    result = {
      message: update.changed ? `image ${target}=${image} set` : `skipped: container ${target} already runs ${image}`,
      skipped: !update.changed,
      fromRevision: revisionOf(before!),
      restoredRevision: undefined,
      images: imagesOf(update.deployment),
      previousImages: imagesOf(before),
      deployment: update.deployment,
    }
  } else {
    const before = imagesOf(await api.readDeployment(namespace, name))
    const undo = await undoRollout(api, namespace, name, options.toRevision ?? 0)
    result = {
      message: undo.message,
      skipped: undo.skipped,
      fromRevision: undo.fromRevision,
      restoredRevision: undo.restoredRevision,
      images: imagesOf(undo.deployment),
      previousImages: before,
      deployment: undo.deployment,
    }
  }
  log(`deployment "${name}": ${result.message}`)
  const { deployment: _written, ...rest } = result
  options.onWritten?.(rest)
  if (options.wait ?? true) {
    const rollout = await waitForRollout(api, {
      namespace,
      name,
      timeoutMs: options.timeoutMs,
      log,
      progressEveryMs: options.progressEveryMs,
      clock,
      signal: options.signal,
    })
    return { ...rest, revision: rollout.revision, rollout }
  }
  // Not waiting for the pods, only for the controller to number the restored revision.
  const observed = await waitUntil<Deployment>(
    async () => {
      const d = await api.readDeployment(namespace, name)
      const seen = (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0)
      // The controller numbers a new or restored template max+1 (the annotation may land apart from status).
      const numbered = rest.skipped || (revisionOf(d) ?? 0) > (rest.fromRevision ?? 0)
      return seen && numbered ? { done: d } : { detail: 'the controller has not numbered the new revision yet' }
    },
    {
      what: `deployment "${name}" revision`,
      timeoutMs: options.timeoutMs,
      intervalMs: 100,
      log,
      clock,
      signal: options.signal,
    },
  )
  return { ...rest, revision: revisionOf(observed), rollout: undefined }
}
