// The two ends of a canary, from this job or a later one (everything comes from the state
// annotation): promote rolls the stable to the canary's image, waits for its rollout, and only
// then routes 100% to stable and deletes the canary; abort sets weight 0 first, then removes the
// canary objects, leaving the stable untouched. Every API failure is an error, deletion included.
import { DeployError, formatDuration } from '@deploy-actions/kit'
import { revisionOf, updateObject, waitForRollout } from '@deploy-actions/kube'
import {
  type Ctx,
  type DeploymentObject,
  deploymentRef,
  leftStable,
  replicasLive,
  routerOf,
  saveState,
  scaleCanary,
} from './canary.ts'
import { withImage } from './canary-objects.ts'
import type { CanaryState } from './state.ts'
import { canaryName } from './state.ts'

export async function promote(ctx: Ctx, state: CanaryState): Promise<void> {
  const { deps, report, inputs } = ctx
  report.previousImage = state.previousImage
  report.image = state.image
  state.phase = 'promoting'
  await saveState(ctx, state)
  await deps.log.group(`promote ${state.stable} to ${state.image}`, async () => {
    const started = deps.clock.now()
    if (inputs.manifests) {
      const { applyManifests } = await import('./manifests.ts')
      report.notes.push(...(await applyManifests(ctx, state)))
    } else {
      // The pod template only: an HPA-managed Deployment is never written a replicas field.
      await updateObject<DeploymentObject>(deps.objects, deploymentRef(state.namespace, state.stable), (d) => {
        const template = withImage(d.spec!.template as { spec: { containers: [] } }, state.container, state.image)
        return { ...d, spec: { ...d.spec!, template: template as never } }
      })
    }
    const rolled = await waitForRollout(deps.kube, {
      namespace: state.namespace,
      name: state.stable,
      timeoutMs: inputs.rolloutTimeoutMs,
      log: (l) => deps.log.info(l),
      progressEveryMs: inputs.progressEveryMs,
      clock: deps.clock,
      signal: deps.signal,
    }).catch((error: unknown) => {
      // Cancelled: the phase saved above is 'promoting', and the post step finishes the promotion.
      const left = deps.signal?.aborted
        ? `${state.stable} rolling out ${state.image} (phase promoting); the post step finishes the promotion`
        : `canary ${canaryName(state.stable)} still running at ${state.liveWeight}%; ${state.stable} rollout incomplete (run action: abort, then rollback)`
      throw new DeployError(
        `promotion of ${state.stable} to ${state.image} did not roll out: ${(error as Error).message}`,
        { leftState: left, cause: error },
      )
    })
    report.revision = revisionOf(rolled.deployment)
    const router = routerOf(ctx, state)
    if (router) await router.remove()
    await deleteCanary(ctx, state)
    report.timeline.push({
      at: deps.clock.now(),
      step: 'promote',
      asked: 0,
      live: 0,
      detail: `${state.stable} rolled out ${state.image} (revision ${report.revision ?? '?'}) in ${formatDuration(deps.clock.now() - started)}; canary removed`,
      checks: [],
    })
  })
  deps.remember('')
  report.result = 'promoted'
  report.weight = 100
  report.reason ??= `${state.stable} runs ${state.image}`
  report.left = `${state.namespace}/${state.stable} at image ${state.image}, canary removed`
}

export async function abortCanary(ctx: Ctx, state: CanaryState, reason: string, requested = false): Promise<void> {
  const { deps, report } = ctx
  report.previousImage = state.previousImage
  report.image = state.image
  report.result = 'aborted'
  report.reason = reason
  const line = `aborting canary ${canaryName(state.stable)}: ${reason}`
  if (requested) deps.log.info(line)
  else deps.log.error(line)
  await deps.log.group('abort', async () => {
    state.phase = 'aborting'
    await saveState(ctx, state).catch(() => undefined) // the weight change below is what matters
    const router = routerOf(ctx, state)
    const zero = router ? await router.setWeight(0) : await replicasToZero(ctx, state)
    report.weight = zero.live
    report.timeline.push({
      at: deps.clock.now(),
      step: 'abort',
      asked: 0,
      live: zero.live,
      detail: zero.detail,
      checks: [],
    })
    deps.log.info(`weight 0: ${zero.detail}`)
    if (router) await router.remove()
    await deleteCanary(ctx, state)
  })
  deps.remember('')
  report.left = `canary deleted, ${leftStable(state)}`
}

async function deleteCanary(ctx: Ctx, state: CanaryState): Promise<void> {
  const gone = await ctx.deps.objects.delete(deploymentRef(state.namespace, canaryName(state.stable)))
  ctx.deps.log.info(
    gone ? `deleted Deployment ${canaryName(state.stable)}` : `Deployment ${canaryName(state.stable)} was already gone`,
  )
}

/** replicas router: weight 0 is a canary with no ready pods; waits (bounded) until the live share says so. */
async function replicasToZero(ctx: Ctx, state: CanaryState) {
  await scaleCanary(ctx, state, 0)
  const deadline = ctx.deps.clock.now() + 30_000
  for (;;) {
    const live = await replicasLive(ctx, state, 0)
    if (live.live === 0 || ctx.deps.clock.now() > deadline) return live
    await ctx.deps.clock.sleep(100)
  }
}
