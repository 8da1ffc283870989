// `kubectl rollout status deployment/<name>` as a pure function of the Deployment object: a port
// of kubectl's DeploymentStatusViewer (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go),
// same order of checks and the same messages (without kubectl's trailing newline).
import { revisionOf } from './revisions.ts'
import type { Deployment } from './types.ts'

/** The Progressing condition reason the deployment controller sets past progressDeadlineSeconds. */
export const TIMED_OUT_REASON = 'ProgressDeadlineExceeded'

export type RolloutState =
  | { done: true; message: string }
  | { done: false; message: string }
  | {
      done: false
      failed: true
      reason: 'ProgressDeadlineExceeded' | 'RevisionMismatch' | 'BadRevision'
      message: string
    }

/** True when a state is a failure (kubectl returns an error and stops watching). */
export function isFailed(state: RolloutState): state is Extract<RolloutState, { failed: true }> {
  return 'failed' in state
}

/**
 * Evaluates one Deployment as kubectl does. `revision` (kubectl's `--revision`, 0 = any) pins the
 * revision the rollout must be at.
 */
export function deploymentRolloutState(deployment: Deployment, revision = 0): RolloutState {
  const name = deployment.metadata?.name ?? ''
  if (revision > 0) {
    const current = revisionOf(deployment)
    if (current === undefined) {
      return {
        done: false,
        failed: true,
        reason: 'BadRevision',
        message: `cannot get the revision of deployment "${name}": invalid revision annotation`,
      }
    }
    if (current !== revision) {
      return {
        done: false,
        failed: true,
        reason: 'RevisionMismatch',
        message: `desired revision (${revision}) is different from the running revision (${current})`,
      }
    }
  }
  const generation = deployment.metadata?.generation ?? 0
  const status = deployment.status ?? {}
  if (generation <= (status.observedGeneration ?? 0)) {
    const progressing = status.conditions?.find((c) => c.type === 'Progressing')
    if (progressing?.reason === TIMED_OUT_REASON) {
      return {
        done: false,
        failed: true,
        reason: TIMED_OUT_REASON,
        message: `deployment "${name}" exceeded its progress deadline`,
      }
    }
    const updated = status.updatedReplicas ?? 0
    const desired = deployment.spec?.replicas
    if (desired !== undefined && desired !== null && updated < desired) {
      return {
        done: false,
        message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${desired} new replicas have been updated...`,
      }
    }
    const total = status.replicas ?? 0
    if (total > updated) {
      return {
        done: false,
        message: `Waiting for deployment "${name}" rollout to finish: ${total - updated} old replicas are pending termination...`,
      }
    }
    const available = status.availableReplicas ?? 0
    if (available < updated) {
      return {
        done: false,
        message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`,
      }
    }
    return { done: true, message: `deployment "${name}" successfully rolled out` }
  }
  return { done: false, message: 'Waiting for deployment spec update to be observed...' }
}
