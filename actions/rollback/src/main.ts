// rollback: check everything, abort a running canary when asked, undo (or set the image), mark the
// Deployment for safe re-runs, then wait for the rollout; failing pods and their Events go into the
// report. A re-run of a step that already rolled back writes nothing and only waits again.
import { DeployError, describeError } from '@deploy-actions/kit'
import { createRouter, RolloutFailedError, rollbackDeployment, waitForRollout } from '@deploy-actions/kube'
import type { RunningCanary } from './canary.ts'
import type { Inputs } from './inputs.ts'
import type { Deps } from './ports.ts'
import { preflight } from './preflight.ts'
import type { RollbackReport } from './report.ts'
import { markerPatch } from './rerun.ts'

export async function run(inputs: Inputs, deps: Deps, report: RollbackReport): Promise<void> {
  const { log } = deps
  const plan = await log
    .group('Checks', () => preflight(inputs, deps, report))
    .catch((error: unknown) => {
      Object.assign(report, { outcome: 'refused', error: describeError(error), leftState: 'nothing changed' })
      throw error
    })
  const { canary, rerun } = plan
  if (canary) await log.group(`Aborting ${canary.name}`, () => abortCanary(canary, inputs, deps, report))
  try {
    if (rerun) {
      const { step: _step, ...known } = rerun
      Object.assign(report, known, { outcome: 'already rolled back by this step' })
    } else {
      await log.group(`Rolling ${inputs.deployment} back to ${report.target}`, () => write(inputs, deps, report))
    }
    if (inputs.wait)
      await log.group(`Waiting for the rollout of ${inputs.deployment}`, () => wait(inputs, deps, report))
  } catch (error) {
    failed(error, inputs, deps, report)
    throw error
  }
}

/** The undo (or image) write, numbered by the controller, then the re-run marker. */
async function write(inputs: Inputs, deps: Deps, report: RollbackReport): Promise<void> {
  const result = await rollbackDeployment(deps.api, {
    namespace: inputs.namespace,
    name: inputs.deployment,
    toRevision: inputs.toRevision,
    image: inputs.image,
    wait: false,
    timeoutMs: inputs.timeoutMs,
    log: deps.log.info,
    clock: deps.clock,
    signal: deps.signal,
    onWritten: ({ fromRevision, restoredRevision, images, previousImages }) =>
      Object.assign(report, { fromRevision, restoredRevision, images, previousImages }),
  })
  report.revision = result.revision
  report.outcome = result.skipped ? 'already at the target' : 'rolled back'
  if (inputs.step && !result.skipped && result.revision !== undefined) {
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: inputs.deployment, namespace: inputs.namespace }
    await deps.objects.mergePatch(
      ref,
      markerPatch({
        step: inputs.step,
        revision: result.revision,
        fromRevision: result.fromRevision,
        restoredRevision: result.restoredRevision,
        images: result.images,
        previousImages: result.previousImages,
      }),
    )
  }
}

async function wait(inputs: Inputs, deps: Deps, report: RollbackReport): Promise<void> {
  const rollout = await waitForRollout(deps.api, {
    namespace: inputs.namespace,
    name: inputs.deployment,
    timeoutMs: inputs.timeoutMs,
    log: deps.log.info,
    progressEveryMs: inputs.progressEveryMs,
    clock: deps.clock,
    signal: deps.signal,
  })
  report.rolloutMessage = rollout.message
  report.rolloutMs = rollout.elapsedMs
}

function failed(error: unknown, inputs: Inputs, deps: Deps, report: RollbackReport): void {
  report.outcome = deps.signal?.aborted ? 'cancelled' : 'failed'
  report.error = describeError(error)
  const written = `${inputs.deployment} rolled back to ${report.images.join(', ')} (written)`
  if (deps.signal?.aborted) {
    report.leftState = report.fromRevision === undefined ? 'nothing rolled back' : `${written}, rollout not awaited`
  } else if (error instanceof RolloutFailedError) {
    report.problems = error.problems
    report.details = error.details
    report.leftState = `${inputs.deployment} rolled back to ${report.images.join(', ')}, rollout not complete (${error.reason})`
  } else if (error instanceof DeployError) report.leftState = error.leftState
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
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: canary.name, namespace: inputs.namespace }
    say(
      (await deps.objects.delete(ref))
        ? `deleted Deployment ${canary.name}`
        : `Deployment ${canary.name} was already gone`,
    )
  } catch (error) {
    report.outcome = 'failed'
    report.error = `aborting the canary: ${describeError(error)}`
    report.leftState = `${inputs.deployment} not rolled back; canary abort incomplete (${report.canaryAborted.join('; ') || 'nothing removed'})`
    throw new DeployError(report.error, { leftState: report.leftState, cause: error })
  }
}
