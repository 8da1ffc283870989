// rollback: check everything, abort a running canary when asked, undo (or set the image), mark the
// Deployment for safe re-runs, then wait for the rollout; failing pods and their Events go into the
// report. A re-run of a step that already rolled back writes nothing and only waits again.
import { DeployError, describeError } from '@deploy-actions/kit'
import { apiMessage, apiStatus, RolloutFailedError, rollbackDeployment, waitForRollout } from '@deploy-actions/kube'
import { abortCanary } from './abort.ts'
import type { Inputs } from './inputs.ts'
import type { Deps } from './ports.ts'
import { preflight } from './preflight.ts'
import { formatImages, messageOf, type RollbackReport } from './report.ts'
import { markerPatch } from './rerun.ts'

export async function run(inputs: Inputs, deps: Deps, report: RollbackReport): Promise<void> {
  const { log } = deps
  const plan = await log
    .group('Checks', () => preflight(inputs, deps, report))
    .catch((raw: unknown) => {
      const error = explained(raw, 'nothing changed')
      Object.assign(report, { outcome: 'refused', error: messageOf(error), leftState: 'nothing changed' })
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
  } catch (raw) {
    throw failed(explained(raw, undefined), inputs, deps, report)
  }
}

/** An API error client-node threw, as one line with the server's message (its status kept). */
function explained(error: unknown, leftState: string | undefined): unknown {
  const status = apiStatus(error)
  if (status === undefined || error instanceof DeployError) return error
  return new DeployError(`Kubernetes API: ${apiMessage(error)} (HTTP ${status})`, { leftState, cause: error })
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
    // The rollback is done either way: a marker that cannot be written costs only re-run safety.
    await deps.objects
      .mergePatch(
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
      .catch((error: unknown) =>
        deps.log.warning(
          `could not mark ${inputs.deployment} for safe re-runs (${describeError(error)}): re-running this step would roll back again`,
        ),
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

/** Fills the report for a failed or cancelled run; returns the error to fail with (its left: ours). */
function failed(error: unknown, inputs: Inputs, deps: Deps, report: RollbackReport): unknown {
  report.outcome = deps.signal?.aborted ? 'cancelled' : 'failed'
  report.error = messageOf(error)
  const written = `${inputs.deployment} rolled back to ${formatImages(report.images)}`
  if (deps.signal?.aborted) {
    report.leftState =
      report.fromRevision === undefined ? 'nothing rolled back' : `${written} (written), rollout not awaited`
  } else if (error instanceof RolloutFailedError) {
    report.problems = error.problems
    report.details = error.details
    report.leftState = `${written}, rollout not complete (${error.reason})`
    return new DeployError(error.message, { leftState: report.leftState, cause: error })
  } else if (error instanceof DeployError) report.leftState = error.leftState
  return error
}
