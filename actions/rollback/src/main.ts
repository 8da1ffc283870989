// rollback: check everything, abort a running canary when asked, then undo (or set the image)
// and wait for the rollout; failing pods and their Events go into the report.
import { DeployError, describeError } from '@deploy-actions/kit'
import { createRouter, RolloutFailedError, revisionOf, rollbackDeployment } from '@deploy-actions/kube'
import type { RunningCanary } from './canary.ts'
import type { Inputs } from './inputs.ts'
import type { Deps } from './ports.ts'
import { preflight } from './preflight.ts'
import type { RollbackReport } from './report.ts'

export async function run(inputs: Inputs, deps: Deps, report: RollbackReport): Promise<void> {
  const { log } = deps
  let canary: RunningCanary | undefined
  try {
    canary = await log.group('Checks', () => preflight(inputs, deps, report))
  } catch (error) {
    report.outcome = 'refused'
    report.error = describeError(error)
    report.leftState = 'nothing changed'
    throw error
  }
  if (canary) await log.group(`Aborting ${canary.name}`, () => abortCanary(canary, inputs, deps, report))

  await log.group(`Rolling ${inputs.deployment} back to ${report.target}`, async () => {
    try {
      const result = await rollbackDeployment(deps.api, {
        namespace: inputs.namespace,
        name: inputs.deployment,
        toRevision: inputs.toRevision,
        image: inputs.image,
        wait: inputs.wait,
        timeoutMs: inputs.timeoutMs,
        log: log.info,
        progressEveryMs: inputs.progressEveryMs,
        clock: deps.clock,
        signal: deps.signal,
        onWritten: (written) => {
          Object.assign(report, {
            fromRevision: written.fromRevision,
            restoredRevision: written.restoredRevision,
            images: written.images,
            previousImages: written.previousImages,
          })
        },
      })
      report.revision = result.revision
      report.outcome = result.skipped ? 'already at the target' : 'rolled back'
      report.rolloutMessage = result.rollout?.message
      report.rolloutMs = result.rollout?.elapsedMs
    } catch (error) {
      report.outcome = deps.signal?.aborted ? 'cancelled' : 'failed'
      report.error = describeError(error)
      if (deps.signal?.aborted) {
        report.leftState =
          report.fromRevision === undefined
            ? 'nothing rolled back'
            : `${inputs.deployment} rolled back to ${report.images.join(', ')} (written), rollout not awaited`
      } else if (error instanceof RolloutFailedError) {
        report.problems = error.problems
        report.details = error.details
        report.revision = error.deployment ? revisionOf(error.deployment) : report.revision
        report.leftState = `${inputs.deployment} rolled back to ${report.images.join(', ')}, rollout not complete (${error.reason})`
      } else if (error instanceof DeployError) report.leftState = error.leftState
      throw error
    }
  })
}

/** 100% to stable and the router's objects gone first, then the canary Deployment. */
async function abortCanary(canary: RunningCanary, inputs: Inputs, deps: Deps, report: RollbackReport) {
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
    const deleted = await deps.objects.delete({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: canary.name,
      namespace: inputs.namespace,
    })
    say(deleted ? `deleted Deployment ${canary.name}` : `Deployment ${canary.name} was already gone`)
  } catch (error) {
    report.outcome = 'failed'
    report.error = `aborting the canary: ${describeError(error)}`
    report.leftState = `${inputs.deployment} not rolled back; canary abort incomplete (${report.canaryAborted.join('; ') || 'nothing removed'})`
    throw new DeployError(report.error, { leftState: report.leftState, cause: error })
  }
}
