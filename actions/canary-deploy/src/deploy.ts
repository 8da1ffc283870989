// action: deploy. Preflight (reads only), then the canary Deployment, then each step: size the
// canary, wait until every canary pod is Ready, move the weight and read it back, analyse for
// step-duration. Any failure aborts (weight 0 first, canary removed, stable untouched); a plan
// ending below 100 pauses for a later promote/abort; 100 promotes.
import { DeployError } from '@deploy-actions/kit'
import type { LiveWeight } from '@deploy-actions/kube'
import { analyseStep } from './analyse.ts'
import {
  CanaryFailure,
  Cancelled,
  type Ctx,
  type DeploymentObject,
  replicasLive,
  saveState,
  scaleCanary,
  waitCanaryReady,
} from './canary.ts'
import { buildCanaryDeployment } from './canary-objects.ts'
import { abortCanary, promote } from './finish.ts'
import { preflight } from './preflight.ts'
import { planReplicaShare } from './replicas-share.ts'
import { type CanaryState, canaryName } from './state.ts'
import { planSteps } from './steps.ts'

export async function deploy(ctx: Ctx): Promise<void> {
  const { inputs, deps, report } = ctx
  const pre = await preflight(ctx)
  if (pre.already) {
    deps.log.info(pre.already)
    report.result = 'promoted'
    report.reason = pre.already
    report.weight = 100
    return
  }
  const state = pre.state
  const plan = planSteps(inputs.steps)
  const first = plan.canaryWeights[0]
  const size = (w: number) =>
    state.router === 'replicas'
      ? planReplicaShare(w, pre.stableLive).canary
      : Math.max(1, Math.ceil((pre.stableLive * w) / 100))

  await deps.objects.create<DeploymentObject>(
    buildCanaryDeployment(pre.stable, {
      container: pre.container,
      image: state.image,
      replicas: first === undefined ? 1 : size(first),
      labels: pre.labels,
      state,
    }) as DeploymentObject,
  )
  deps.remember(`${state.namespace}/${state.stable}`)
  deps.log.info(`created Deployment ${canaryName(state.stable)} (image ${state.image})`)
  try {
    if (pre.router) report.notes.push(...(await pre.router.prepare()))
    state.phase = 'running'
    for (const [i, weight] of plan.canaryWeights.entries()) {
      const label = `step ${i + 1}/${inputs.steps.length}`
      await deps.log.group(`${label}: ${weight}%`, async () => {
        const replicas = size(weight)
        await scaleCanary(ctx, state, replicas)
        await waitCanaryReady(ctx, state, replicas)
        const live: LiveWeight = pre.router
          ? await pre.router.setWeight(weight)
          : await replicasLive(ctx, state, weight)
        deps.log.info(`weight asked ${weight}%, live ${live.live}%: ${live.detail}`)
        report.timeline.push({
          at: deps.clock.now(),
          step: label,
          asked: weight,
          live: live.live,
          detail: live.detail,
          checks: [],
        })
        state.weight = weight
        state.liveWeight = live.live
        report.weight = live.live
        await saveState(ctx, state)
        const outcome = await analyseStep(ctx, state, (checks, round) =>
          report.timeline.push({ at: deps.clock.now(), step: `${label} analysis ${round}`, detail: '', checks }),
        )
        if (outcome.outcome === 'fail') throw new CanaryFailure(outcome.reason)
        if (outcome.outcome === 'inconclusive') throw new Inconclusive(outcome.reason)
      })
    }
  } catch (error) {
    if (error instanceof Inconclusive) return pauseCanary(ctx, state, `inconclusive: ${error.message}`)
    const reason =
      error instanceof CanaryFailure
        ? error.message
        : error instanceof Cancelled
          ? 'the job was cancelled'
          : `error: ${(error as Error).message}`
    try {
      await abortCanary(ctx, state, reason)
    } catch (abortError) {
      throw new DeployError(`${reason}; then the abort failed: ${(abortError as Error).message}`, {
        leftState: `canary ${canaryName(state.stable)} may still be running (run action: abort); stable ${state.stable} untouched at ${state.previousImage}`,
        cause: abortError,
      })
    }
    throw error instanceof CanaryFailure || error instanceof Cancelled ? new CanaryFailure(reason) : error
  }
  if (!plan.promotes)
    return pauseCanary(ctx, state, `steps end at ${state.weight}%: waiting for action: promote or abort`)
  await promote(ctx, state)
}

class Inconclusive extends Error {}

async function pauseCanary(ctx: Ctx, state: CanaryState, reason: string): Promise<void> {
  state.phase = 'paused'
  await saveState(ctx, state)
  ctx.deps.remember('')
  ctx.report.result = 'paused'
  ctx.report.reason = reason
  ctx.report.weight = state.liveWeight
  ctx.report.left = `canary ${canaryName(state.stable)} running at ${state.liveWeight}% (image ${state.image}); stable at ${state.previousImage}`
  ctx.deps.log.info(`paused: ${reason}`)
}
