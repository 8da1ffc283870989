// Aborting a running canary before rolling its stable back (abort-canary: true): the canary's own
// router routes 100% to stable and removes its objects first, then the canary Deployment goes.
import { DeployError } from '@deploy-actions/kit'
import { createRouter, type RunningCanary } from '@deploy-actions/kube'
import type { Inputs } from './inputs.ts'
import type { Deps } from './ports.ts'
import { messageOf, type RollbackReport } from './report.ts'

/** 100% to stable and the router's objects gone first, then the canary Deployment. */
export async function abortCanary(canary: RunningCanary, inputs: Inputs, deps: Deps, report: RollbackReport) {
  const say = (line: string) => {
    deps.log.info(line)
    report.canaryAborted.push(line)
  }
  try {
    if (canary.routing) {
      await createRouter(canary.routing.kind, canary.routing.routing, deps.objects).remove()
      say(
        `${canary.routing.kind} router: 100% routed to ${canary.routing.routing.stableService}, canary routing objects removed`,
      )
    }
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: canary.name, namespace: inputs.namespace }
    say(
      (await deps.objects.delete(ref))
        ? `deleted Deployment ${canary.name}`
        : `Deployment ${canary.name} was already gone`,
    )
  } catch (error) {
    report.outcome = 'failed'
    report.error = `aborting the canary: ${messageOf(error)}`
    report.leftState = `${inputs.deployment} not rolled back; canary abort incomplete (${report.canaryAborted.join('; ') || 'nothing removed'})`
    throw new DeployError(report.error, { leftState: report.leftState, cause: error })
  }
}
