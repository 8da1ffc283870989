// Everything rollback checks before its first write: the namespace, the Deployment and the target
// (revision in the history, or a container for the image), and a running canary.
import { checkRollbackTarget, RollbackError } from '@deploy-actions/kube'
import { canaryDeploymentName, describeCanary, type RunningCanary, runningCanary } from './canary.ts'
import type { Inputs } from './inputs.ts'
import type { Deps } from './ports.ts'
import type { RollbackReport } from './report.ts'

export async function preflight(
  inputs: Inputs,
  deps: Deps,
  report: RollbackReport,
): Promise<RunningCanary | undefined> {
  const { namespace, deployment } = inputs
  const ns = await deps.objects.find({ apiVersion: 'v1', kind: 'Namespace', name: namespace })
  if (!ns) throw new RollbackError(`namespace "${namespace}" not found`)
  const { entries } = await checkRollbackTarget(deps.api, namespace, deployment, inputs.toRevision, inputs.image)
  report.history = entries
  for (const e of entries)
    deps.log.info(
      `revision ${e.revision}${e.current ? ' (current)' : ''}: ${e.images.join(', ')}${e.changeCause ? ` (${e.changeCause})` : ''}`,
    )

  const canary = runningCanary(
    await deps.objects.find({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: canaryDeploymentName(deployment),
      namespace,
    }),
    deployment,
    namespace,
  )
  if (!canary) return undefined
  report.canary = describeCanary(canary)
  if (!inputs.abortCanary) {
    throw new RollbackError(
      `a canary of deployment "${deployment}" is running: ${report.canary}; abort it first (canary with action: abort) or pass abort-canary: true`,
    )
  }
  return canary
}
