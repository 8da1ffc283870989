// Bake: after promotion, the same checks keep running against the promoted stable for `bake`;
// a failure rolls the Deployment back to the previous revision (packages/kube's undo, as the
// rollback action does) and fails the job with the reason.
import { DeployError, formatDuration } from '@deploy-actions/kit'
import { undoRollout, waitForRollout } from '@deploy-actions/kube'
import { analyseStep } from './analyse.ts'
import { CanaryFailure, type Ctx } from './canary.ts'
import type { CanaryState } from './state.ts'

export async function bake(ctx: Ctx): Promise<void> {
  const { inputs, deps, report } = ctx
  const state = {
    stable: inputs.deployment,
    namespace: inputs.namespace,
    canaryPodLabels: {},
  } as unknown as CanaryState
  deps.log.info(`baking ${inputs.deployment} for ${formatDuration(inputs.bakeMs)} with ${inputs.metrics.length} checks`)
  let failure: string | undefined
  try {
    const outcome = await deps.log.group(`bake ${formatDuration(inputs.bakeMs)}`, () =>
      analyseStep(
        ctx,
        state,
        (checks, round) => report.timeline.push({ at: deps.clock.now(), step: `bake ${round}`, detail: '', checks }),
        {
          target: 'stable',
          durationMs: inputs.bakeMs,
        },
      ),
    )
    if (outcome.outcome === 'fail') failure = outcome.reason
  } catch (error) {
    if (!(error instanceof CanaryFailure)) throw error
    failure = error.message
  }
  if (!failure) {
    report.timeline.push({
      at: deps.clock.now(),
      step: 'bake',
      detail: `passed ${formatDuration(inputs.bakeMs)}`,
      checks: [],
    })
    return
  }
  deps.log.error(`bake failed: ${failure}; rolling ${inputs.deployment} back`)
  const undo = await undoRollout(deps.kube, inputs.namespace, inputs.deployment, 0)
  const rolled = await waitForRollout(deps.kube, {
    namespace: inputs.namespace,
    name: inputs.deployment,
    timeoutMs: inputs.rolloutTimeoutMs,
    log: (l) => deps.log.info(l),
    progressEveryMs: inputs.progressEveryMs,
    clock: deps.clock,
    signal: deps.signal,
  }).catch((error: unknown) => {
    // The undo is written: stopping the wait (cancelled or timed out) leaves it rolling out.
    throw new DeployError(`bake failed: ${failure}; the rollback did not finish: ${(error as Error).message}`, {
      leftState: `${inputs.deployment} rolling back (${undo.message}) to ${undo.images.join(', ')}; not awaited`,
      cause: error,
    })
  })
  report.result = 'aborted'
  report.reason = `bake: ${failure}`
  report.weight = 0
  report.left = `${inputs.deployment} rolled back (${undo.message}) to ${undo.images.join(', ')}`
  report.timeline.push({
    at: deps.clock.now(),
    step: 'rollback',
    detail: `${undo.message}: ${undo.images.join(', ')} (${rolled.message})`,
    checks: [],
  })
  throw new DeployError(`bake failed: ${failure}`, { leftState: report.left })
}
