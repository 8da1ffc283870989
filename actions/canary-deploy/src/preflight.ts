// Everything deploy reads and decides before its first write: the namespace and Deployment
// exist, the container is in the pod spec, no canary runs, the HPA's size, the stable Service,
// the canary labels, the router's objects, and that every replica weight can be served.
import { ConfigurationError, DeployError } from '@deploy-actions/kit'
import {
  type Deployment,
  isNotFound,
  type KubeObject,
  revisionOf,
  selects,
  type TrafficRouter,
} from '@deploy-actions/kube'
import { type Ctx, readCanary } from './canary.ts'
import { type CanaryLabels, canaryLabels, chooseContainer, imageOf } from './canary-objects.ts'
import { planReplicaShare } from './replicas-share.ts'
import { type CanaryState, canaryName, describeState } from './state.ts'
import { planSteps } from './steps.ts'

interface Hpa extends KubeObject {
  spec?: { scaleTargetRef?: { kind?: string; name?: string }; minReplicas?: number; maxReplicas?: number }
  status?: { currentReplicas?: number; desiredReplicas?: number }
}
interface Service extends KubeObject {
  spec?: { selector?: Record<string, string> }
}

export interface Preflight {
  stable: Deployment
  container: string
  previousImage: string
  stableLive: number
  hpa: string | undefined
  service: { name: string; selector: Record<string, string> } | undefined
  labels: CanaryLabels
  router: TrafficRouter | undefined
  state: CanaryState
  /** Set when there is nothing to do (the stable already runs the image). */
  already?: string
}

export async function preflight(ctx: Ctx): Promise<Preflight> {
  const { inputs, deps } = ctx
  const ns = inputs.namespace
  const name = inputs.deployment
  if (!(await deps.objects.find({ apiVersion: 'v1', kind: 'Namespace', name: ns }))) {
    throw new ConfigurationError('namespace', 'an existing namespace', ns)
  }
  let stable: Deployment
  try {
    stable = await deps.kube.readDeployment(ns, name)
  } catch (error) {
    if (isNotFound(error)) throw new ConfigurationError('deployment', `an existing Deployment in namespace ${ns}`, name)
    throw error
  }
  const chosen = chooseContainer(stable, inputs.container)
  if ('error' in chosen) throw new ConfigurationError('container', chosen.error)
  const running = await readCanary(deps, ns, name)
  if (running) {
    const what = running.state
      ? describeState(running.state)
      : `Deployment ${ns}/${canaryName(name)} exists and was not made by this action`
    throw new DeployError(`a canary is already running: ${what}; promote or abort it first (action: promote / abort)`, {
      leftState: 'nothing changed',
    })
  }
  const previousImage = imageOf(stable, chosen.name)
  ctx.report.previousImage = previousImage
  ctx.report.revision = revisionOf(stable)

  const hpas = await deps.objects.list<Hpa>('autoscaling/v2', 'HorizontalPodAutoscaler', ns)
  const hpa = hpas.find((h) => h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef.name === name)
  const stableLive = hpa
    ? (hpa.status?.currentReplicas ?? stable.status?.replicas ?? stable.spec?.replicas ?? 1)
    : (stable.status?.readyReplicas ?? stable.spec?.replicas ?? 1)
  if (hpa) {
    ctx.report.notes.push(
      `HorizontalPodAutoscaler ${hpa.metadata?.name} scales ${name}: the canary is sized from its current replicas (${stableLive}), and ${name} is never written a replicas field`,
    )
  }

  const templateLabels = stable.spec?.template.metadata?.labels ?? {}
  const services = (await deps.objects.list<Service>('v1', 'Service', ns)).filter((s) =>
    selects(s.spec?.selector, templateLabels),
  )
  const picked = services.find((s) => s.metadata?.name === name) ?? services[0]
  const service = picked ? { name: picked.metadata?.name ?? '', selector: picked.spec?.selector ?? {} } : undefined
  if (!service && inputs.router !== 'replicas') {
    throw new ConfigurationError(
      'traffic-router',
      `a Service selecting the pods of ${name} (none in ${ns} does) for ${inputs.router}`,
    )
  }
  const labels = canaryLabels(stable, inputs.router, service)
  ctx.report.notes.push(...labels.notes)

  if (inputs.router === 'replicas') {
    for (const w of planSteps(inputs.steps).canaryWeights) {
      const plan = planReplicaShare(w, stableLive)
      if (!plan.ok) throw new ConfigurationError('steps', plan.reason)
    }
  }
  const now = new Date(deps.clock.now()).toISOString()
  const state: CanaryState = {
    v: 1,
    stable: name,
    namespace: ns,
    container: chosen.name,
    image: inputs.image!,
    previousImage,
    router: inputs.router,
    ...(inputs.httpRoute ? { httpRoute: inputs.httpRoute } : {}),
    ...(inputs.ingress ? { ingress: inputs.ingress } : {}),
    ...(inputs.canaryHeader ? { header: inputs.canaryHeader } : {}),
    ...(service ? { stableService: service.name } : {}),
    canaryService: canaryName(name),
    canaryPodLabels: labels.selector,
    steps: inputs.steps,
    weight: 0,
    liveWeight: 0,
    phase: 'starting',
    started: now,
    updated: now,
    stableReplicas: stableLive,
    ...(hpa ? { hpa: hpa.metadata?.name ?? '' } : {}),
    ...(inputs.runUrl ? { startedBy: inputs.runUrl } : {}),
    checks: [],
  }
  const router =
    inputs.router === 'replicas'
      ? undefined
      : deps.routerFor(inputs.router, {
          namespace: ns,
          stable: name,
          stableService: service!.name,
          canaryService: state.canaryService!,
          canaryPodLabels: labels.selector,
          ...(inputs.httpRoute ? { httpRoute: inputs.httpRoute } : {}),
          ...(inputs.ingress ? { ingress: inputs.ingress } : {}),
          ...(inputs.canaryHeader ? { header: inputs.canaryHeader } : {}),
        })
  if (router) await router.check()
  const already = previousImage === inputs.image ? `${name} already runs ${inputs.image}; nothing to deploy` : undefined
  return {
    stable,
    container: chosen.name,
    previousImage,
    stableLive,
    hpa: hpa?.metadata?.name,
    service,
    labels,
    router,
    state,
    ...(already ? { already } : {}),
  }
}
