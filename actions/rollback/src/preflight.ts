// Everything rollback checks before its first write: the namespace, the Deployment, whether this
// job step already rolled it back (a re-run), the target (revision in the history, or a container
// for the image), and a running canary.
import {
  canaryDeploymentName,
  checkRollbackTarget,
  describeCanary,
  isNotFound,
  RollbackError,
  type RunningCanary,
  revisionOf,
  runningCanary,
} from '@deploy-actions/kube'
import type { Inputs } from './inputs.ts'
import type { Deps } from './ports.ts'
import type { RollbackReport } from './report.ts'
import { earlierRun, type Marker } from './rerun.ts'

export interface Plan {
  canary?: RunningCanary
  /** This step already rolled the Deployment back (a re-run): nothing to write. */
  rerun?: Marker
}

export async function preflight(inputs: Inputs, deps: Deps, report: RollbackReport): Promise<Plan> {
  const { namespace, deployment } = inputs
  const ns = await deps.objects.find({ apiVersion: 'v1', kind: 'Namespace', name: namespace })
  if (!ns) throw new RollbackError(`namespace "${namespace}" not found`)
  const current = await deps.api.readDeployment(namespace, deployment).catch((error: unknown) => {
    if (isNotFound(error)) throw new RollbackError(`deployment "${deployment}" not found in namespace "${namespace}"`)
    throw error
  })
  const rerun = earlierRun(current, revisionOf(current), inputs.step)
  if (rerun) {
    deps.log.info(
      `this step already rolled ${deployment} back to revision ${rerun.revision} (${rerun.images.join(', ')}); nothing to write`,
    )
    return { rerun }
  }

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
  if (!canary) return {}
  report.canary = describeCanary(canary)
  if (!inputs.abortCanary) {
    throw new RollbackError(
      `a canary of deployment "${deployment}" is running: ${report.canary}; abort it first (canary with action: abort) or pass abort-canary: true`,
    )
  }
  return { canary }
}
