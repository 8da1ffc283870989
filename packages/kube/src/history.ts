// `kubectl rollout history` and `kubectl rollout undo [--to-revision=N]` through the API: the
// ReplicaSets the Deployment controls carry the revisions; undo writes the chosen ReplicaSet's
// pod template (minus pod-template-hash) and annotations back into the Deployment, as a
// conflict-safe replace.
import type { KubeApi } from './client.ts'
import {
  applyRollback,
  type HistoryEntry,
  ownedReplicaSets,
  planRollback,
  revisionOf,
  rolloutHistory,
} from './revisions.ts'
import type { Deployment, ReplicaSet } from './types.ts'
import { labelSelectorString } from './types.ts'
import { type ConflictRetryOptions, updateDeployment } from './update.ts'

/** The ReplicaSets this Deployment controls (listed by its selector, filtered by owner uid). */
export async function replicaSetsOf(api: KubeApi, deployment: Deployment): Promise<ReplicaSet[]> {
  const namespace = deployment.metadata?.namespace ?? 'default'
  const all = await api.listReplicaSets(namespace, labelSelectorString(deployment.spec?.selector))
  return ownedReplicaSets(deployment, all)
}

export async function getRolloutHistory(
  api: KubeApi,
  namespace: string,
  name: string,
): Promise<{ deployment: Deployment; entries: HistoryEntry[]; revision: number | undefined }> {
  const deployment = await api.readDeployment(namespace, name)
  const entries = rolloutHistory(deployment, await replicaSetsOf(api, deployment))
  return { deployment, entries, revision: revisionOf(deployment) }
}

export interface UndoResult {
  /** kubectl's words: `rolled back` or `skipped rollback (current template already matches revision N)`. */
  message: string
  skipped: boolean
  /** The revision whose template was restored (the controller will give it a new, higher number). */
  restoredRevision: number
  images: string[]
  /** The revision the Deployment was at before the undo. */
  fromRevision: number | undefined
  deployment: Deployment
  attempts: number
}

/** `kubectl rollout undo deployment/<name> [--to-revision=N]`; `toRevision` 0 = the previous one. */
export async function undoRollout(
  api: KubeApi,
  namespace: string,
  name: string,
  toRevision = 0,
  options: ConflictRetryOptions = {},
): Promise<UndoResult> {
  let plan: ReturnType<typeof planRollback> | undefined
  let fromRevision: number | undefined
  const result = await updateDeployment(
    api,
    namespace,
    name,
    async (current) => {
      fromRevision = revisionOf(current)
      plan = planRollback(current, await replicaSetsOf(api, current), toRevision)
      return plan.skipped ? undefined : applyRollback(current, plan)
    },
    options,
  )
  const done = plan!
  return {
    message: done.message,
    skipped: done.skipped,
    restoredRevision: done.revision,
    images: done.skipped
      ? (result.deployment.spec?.template.spec?.containers ?? []).map((c) => c.image ?? '')
      : (done.template.spec?.containers ?? []).map((c) => c.image ?? ''),
    fromRevision,
    deployment: result.deployment,
    attempts: result.attempts,
  }
}
