// Operations on a running canary shared by deploy, promote, abort and the post step: its state
// annotation, its size, its readiness (with pod health), and the live share of each router.
import { DeployError, formatDuration, progressReporter } from '@deploy-actions/kit'
import {
  backendPods,
  type CanaryRouting,
  type Deployment,
  type KubeObject,
  labelSelectorString,
  type ObjectRef,
  type TrafficRouter,
  updateObject,
} from '@deploy-actions/kube'
import { isPodReady, judgePods } from './health.ts'
import type { Inputs } from './inputs.ts'
import type { Deps } from './ports.ts'
import { liveShare } from './replicas-share.ts'
import type { Report } from './report.ts'
import { type CanaryState, canaryName, decodeState, encodeState } from './state.ts'

export interface Ctx {
  inputs: Inputs
  deps: Deps
  report: Report
}

/** A check or pod failure that aborts the canary; `reason` becomes the `reason` output. */
export class CanaryFailure extends Error {
  override name = 'CanaryFailure'
}

export class Cancelled extends Error {
  override name = 'Cancelled'
}

export type DeploymentObject = KubeObject & Deployment

export const deploymentRef = (namespace: string, name: string): ObjectRef => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  name,
  namespace,
})

/** The canary Deployment and its decoded state, or undefined when there is none. */
export async function readCanary(deps: Deps, namespace: string, stable: string) {
  const d = await deps.objects.find<DeploymentObject>(deploymentRef(namespace, canaryName(stable)))
  if (!d) return undefined
  return { deployment: d as Deployment, state: decodeState(d.metadata?.annotations) }
}

/** Writes the state annotation (conflict-safe), with `updated` stamped. */
export async function saveState(ctx: Ctx, state: CanaryState): Promise<void> {
  state.updated = new Date(ctx.deps.clock.now()).toISOString()
  await updateObject<DeploymentObject>(
    ctx.deps.objects,
    deploymentRef(state.namespace, canaryName(state.stable)),
    (d) => ({
      ...d,
      metadata: { ...d.metadata, annotations: { ...(d.metadata?.annotations ?? {}), ...encodeState(state) } },
    }),
  )
}

export async function scaleCanary(ctx: Ctx, state: CanaryState, replicas: number): Promise<void> {
  await updateObject<DeploymentObject>(
    ctx.deps.objects,
    deploymentRef(state.namespace, canaryName(state.stable)),
    (d) => (d.spec?.replicas === replicas ? undefined : { ...d, spec: { ...d.spec!, replicas } }),
  )
}

export const routingOf = (s: CanaryState): CanaryRouting => ({
  namespace: s.namespace,
  stable: s.stable,
  stableService: s.stableService ?? s.stable,
  canaryService: s.canaryService ?? canaryName(s.stable),
  canaryPodLabels: s.canaryPodLabels,
  ...(s.httpRoute ? { httpRoute: s.httpRoute } : {}),
  ...(s.ingress ? { ingress: s.ingress } : {}),
  ...(s.header ? { header: s.header } : {}),
})

export const routerOf = (ctx: Ctx, s: CanaryState): TrafficRouter | undefined =>
  s.router === 'replicas' ? undefined : ctx.deps.routerFor(s.router, routingOf(s))

/** Sleeps, or throws Cancelled when the job is cancelled. */
export async function pause(ctx: Ctx, ms: number): Promise<void> {
  if (ctx.deps.signal?.aborted) throw new Cancelled('the job was cancelled')
  try {
    await ctx.deps.clock.sleep(ms, ctx.deps.signal)
  } catch (error) {
    if (ctx.deps.signal?.aborted) throw new Cancelled('the job was cancelled')
    throw error
  }
}

/** The canary pods, and their health; a failure throws CanaryFailure with the pods' reasons and Events. */
export async function checkCanaryPods(ctx: Ctx, state: CanaryState, requireReady: boolean) {
  const { kube } = ctx.deps
  const pods = await kube.listPods(state.namespace, labelSelectorString({ matchLabels: state.canaryPodLabels }))
  const health = judgePods(pods, [], { maxRestarts: ctx.inputs.maxRestarts, requireReady })
  if (!health.ok) {
    const events = judgePods(pods, await kube.listEvents(state.namespace), {
      maxRestarts: ctx.inputs.maxRestarts,
      requireReady,
    }).events
    for (const line of [...health.failures, ...events]) ctx.deps.log.info(`  ${line}`)
    throw new CanaryFailure(
      `canary pods unhealthy: ${health.failures.join('; ')}${events.length ? ` (events: ${events.slice(-2).join(' | ')})` : ''}`,
    )
  }
  return health
}

/** Waits until `replicas` canary pods are Ready (weight moves only then); pod failures abort at once. */
export async function waitCanaryReady(ctx: Ctx, state: CanaryState, replicas: number): Promise<void> {
  const { clock, log } = ctx.deps
  const deadline = clock.now() + ctx.inputs.rolloutTimeoutMs
  const progress = progressReporter(
    `${replicas} canary pod${replicas === 1 ? '' : 's'} to be Ready`,
    (l) => log.info(l),
    clock,
    ctx.inputs.progressEveryMs,
  )
  const poll = Math.min(500, ctx.inputs.analysisIntervalMs)
  for (;;) {
    const health = await checkCanaryPods(ctx, state, false)
    if (health.ready >= replicas && health.total === replicas) return
    progress.tick(`${health.ready} of ${replicas} Ready`)
    if (clock.now() > deadline) {
      throw new CanaryFailure(
        `canary pods not Ready after ${formatDuration(ctx.inputs.rolloutTimeoutMs)} (rollout-timeout): ${health.ready} of ${replicas} Ready`,
      )
    }
    await pause(ctx, poll)
  }
}

/** The share the live ready pods give (replicas router): canary vs stable ready pods. */
export async function replicasLive(ctx: Ctx, state: CanaryState, asked: number) {
  const { kube, objects, clock } = ctx.deps
  const stable = await kube.readDeployment(state.namespace, state.stable)
  // Counted from the pods themselves: a Deployment's readyReplicas lags behind its pods.
  const pods = await kube.listPods(state.namespace, labelSelectorString(stable.spec?.selector))
  const ready = pods.filter((p) => !(p.metadata as { deletionTimestamp?: unknown })?.deletionTimestamp && isPodReady(p))
  const isCanary = (labels: Record<string, string> | undefined) =>
    Object.entries(state.canaryPodLabels).every(([k, v]) => labels?.[k] === v)
  const c = ready.filter((p) => isCanary(p.metadata?.labels)).length
  const s = ready.length - c
  let endpoints = ''
  if (state.stableService) {
    // The Service's endpoints follow the pods; wait (bounded) until they hold the same count.
    const deadline = clock.now() + 5000
    for (;;) {
      endpoints = await backendPods(objects, state.namespace, [state.stableService])
      if (endpoints.includes(`: ${c + s} ready pod`) || clock.now() > deadline) break
      await clock.sleep(100)
    }
  }
  return {
    asked,
    live: liveShare(c, s),
    detail: `${c} canary + ${s} stable ready pods${endpoints ? ` (Service ${endpoints})` : ''}`,
  }
}

export function leftStable(state: CanaryState): string {
  return `stable ${state.namespace}/${state.stable} untouched at image ${state.previousImage}`
}

export function failLoud(message: string, left: string, cause?: unknown): never {
  throw new DeployError(message, { leftState: left, cause })
}
