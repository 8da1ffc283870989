// The canary controller: no CRD, no in-cluster controller; this action is the controller, and
// its progress lives on the canary Deployment (state.ts), so promote / abort / status work from
// a later job. Orchestration only: the ports are injected.
import { ConfigurationError, DeployError } from '@deploy-actions/kit'
import { bake } from './bake.ts'
import { CanaryFailure, type Ctx, readCanary } from './canary.ts'
import { deploy } from './deploy.ts'
import { abortCanary, promote } from './finish.ts'
import type { Inputs } from './inputs.ts'
import type { Deps } from './ports.ts'
import type { Report } from './report.ts'
import { canaryName, describeState } from './state.ts'

export async function run(inputs: Inputs, deps: Deps, report: Report): Promise<void> {
  const ctx: Ctx = { inputs, deps, report }
  try {
    switch (inputs.action) {
      case 'deploy':
        await deploy(ctx)
        break
      case 'promote':
        await later(ctx, 'promote')
        break
      case 'abort':
        await later(ctx, 'abort')
        return
      case 'status':
        await status(ctx)
        return
    }
    if (report.result === 'promoted' && inputs.bakeMs > 0 && report.timeline.some((e) => e.step === 'promote'))
      await bake(ctx)
  } catch (error) {
    if (error instanceof CanaryFailure) {
      throw new DeployError(`canary aborted: ${error.message}`, { leftState: report.left ?? 'unknown' })
    }
    throw error
  }
}

/** promote / abort from any job, from the annotations alone. */
async function later(ctx: Ctx, what: 'promote' | 'abort'): Promise<void> {
  const { inputs, deps, report } = ctx
  const found = await readCanary(deps, inputs.namespace, inputs.deployment)
  if (!found) {
    const stable = await deps.kube.readDeployment(inputs.namespace, inputs.deployment).catch(() => undefined)
    if (!stable)
      throw new ConfigurationError(
        'deployment',
        `an existing Deployment in namespace ${inputs.namespace}`,
        inputs.deployment,
      )
    // Safe re-run: nothing to promote or abort is not a failure, and says so.
    report.reason = `no canary ${canaryName(inputs.deployment)} in ${inputs.namespace}: nothing to ${what}`
    deps.log.info(report.reason)
    return
  }
  if (!found.state) {
    throw new DeployError(
      `Deployment ${inputs.namespace}/${canaryName(inputs.deployment)} was not made by this action; leaving it alone`,
      {
        leftState: 'nothing changed',
      },
    )
  }
  deps.log.info(describeState(found.state))
  report.router = found.state.router
  if (what === 'promote') await promote(ctx, found.state)
  else if (inputs.abortReason && found.state.phase === 'promoting') {
    // Cancelled mid-promotion: the stable already runs the new image; finishing is the known state.
    deps.log.info(`post: the job stopped while promoting ${inputs.deployment}; finishing the promotion`)
    await promote(ctx, found.state)
  } else
    await abortCanary(ctx, found.state, `aborted by action: abort${inputs.runUrl ? ` (${inputs.runUrl})` : ''}`, true)
}

async function status(ctx: Ctx): Promise<void> {
  const { inputs, deps, report } = ctx
  const found = await readCanary(deps, inputs.namespace, inputs.deployment)
  if (!found?.state) {
    const stable = await deps.kube.readDeployment(inputs.namespace, inputs.deployment)
    report.reason = found
      ? `Deployment ${canaryName(inputs.deployment)} exists but was not made by this action`
      : 'no canary running'
    report.image = stable.spec?.template.spec?.containers.map((c) => c.image).join(', ')
    deps.log.info(`${inputs.namespace}/${inputs.deployment}: ${report.reason}; image ${report.image}`)
    return
  }
  const s = found.state
  deps.log.info(describeState(s))
  for (const line of s.checks) deps.log.info(`  ${line}`)
  report.router = s.router
  report.image = s.image
  report.previousImage = s.previousImage
  report.weight = s.liveWeight
  report.result = s.phase === 'paused' ? 'paused' : undefined
  report.reason = `${s.phase} at ${s.liveWeight}% since ${s.updated}`
  report.timeline.push({
    at: deps.clock.now(),
    step: 'status',
    asked: s.weight,
    live: s.liveWeight,
    detail: s.checks.join('; '),
    checks: [],
  })
}
