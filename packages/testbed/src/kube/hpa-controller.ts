// A HorizontalPodAutoscaler controller without a metrics server: the target's current
// replicas are honoured (kept within minReplicas..maxReplicas) and reported in status; every
// sync (15 s of cluster time) the metrics it cannot read are reported as a real controller
// reports them with no metrics API: FailedGetResourceMetric / FailedGetPodsMetric / ... and
// FailedComputeMetricsReplicas Warning events, ScalingActive False. A ScalingLimited condition
// set when clamping to min/max stays, as the failing metric path never revisits it.
//
// Upstream: pkg/controller/podautoscaler horizontal.go reconcileAutoscaler and
// computeReplicasForMetrics, metrics/client.go (resource metrics API errors).
import type { Api } from './api.ts'
import { recordEvent } from './events.ts'
import { RESOURCES, resourceByKind } from './resources.ts'
import { deepEqual, isoNow, type KObj } from './types.ts'

const HPAS = resourceByKind('HorizontalPodAutoscaler')

function cond(type: string, status: string, reason: string, message: string, old: KObj[] | undefined): KObj {
  const prev = (old ?? []).find((c) => c.type === type)
  const lastTransitionTime = prev && prev.status === status ? prev.lastTransitionTime : isoNow()
  return { type, status, lastTransitionTime, reason, message }
}

const NO_RESOURCE_METRICS =
  'unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)'

/** Why the first metric of the HPA cannot be read, as reason and message (the event's and the condition's). */
export function metricFailure(metric: KObj | undefined): { reason: string; error: string } {
  const type = metric?.type ?? 'Resource'
  if (type === 'Resource' || type === 'ContainerResource') {
    const name = metric?.resource?.name ?? metric?.containerResource?.name ?? 'cpu'
    const utilization = (metric?.resource ?? metric?.containerResource)?.target?.type !== 'AverageValue'
    const what = utilization ? `failed to get ${name} utilization` : `failed to get ${name} usage`
    return {
      reason: type === 'Resource' ? 'FailedGetResourceMetric' : 'FailedGetContainerResourceMetric',
      error: `failed to get ${name} resource metric value: ${what}: unable to get metrics for resource ${name}: ${NO_RESOURCE_METRICS}`,
    }
  }
  const custom =
    'unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered'
  if (type === 'Pods') {
    const name = metric?.pods?.metric?.name ?? ''
    return {
      reason: 'FailedGetPodsMetric',
      error: `failed to get pods metric value: unable to get metric ${name}: ${custom}`,
    }
  }
  if (type === 'Object') {
    const name = metric?.object?.metric?.name ?? ''
    return {
      reason: 'FailedGetObjectMetric',
      error: `failed to get object metric value: unable to get metric ${name}: ${custom}`,
    }
  }
  const name = metric?.external?.metric?.name ?? ''
  return {
    reason: 'FailedGetExternalMetric',
    error: `failed to get external metric value: unable to get external metric ${name}: unable to fetch metrics from external metrics API: no external metrics API (external.metrics.k8s.io) registered`,
  }
}

/** The HPA controller's resync period (--horizontal-pod-autoscaler-sync-period), in cluster ms. */
const SYNC_PERIOD_MS = 15_000

export class HpaController {
  private readonly api: Api
  private readonly now: () => number
  /** When each HPA (by uid) last reported its metrics failure. */
  private readonly lastReport = new Map<string, number>()
  constructor(api: Api, now: () => number = Date.now) {
    this.api = api
    this.now = now
  }

  /** The failing metric path: Warning events once per sync period. */
  private reportMetrics(hpa: KObj): void {
    const last = this.lastReport.get(hpa.metadata.uid)
    if (last !== undefined && this.now() < last + SYNC_PERIOD_MS * this.api.timeScale) return
    this.lastReport.set(hpa.metadata.uid, this.now())
    const metrics: KObj[] = hpa.spec.metrics ?? []
    const { reason, error } = metricFailure(metrics[0])
    const nested = error.replace(/^failed to get \w+ resource metric value: /, '')
    recordEvent(this.api, {
      involved: hpa,
      type: 'Warning',
      reason,
      message: nested,
      component: 'horizontal-pod-autoscaler',
    })
    recordEvent(this.api, {
      involved: hpa,
      type: 'Warning',
      reason: 'FailedComputeMetricsReplicas',
      message: `invalid metrics (${metrics.length} invalid out of ${metrics.length}), first error is: ${error}`,
      component: 'horizontal-pod-autoscaler',
    })
  }

  tick(): void {
    for (const hpa of this.api.store.list(HPAS)) this.sync(hpa)
  }

  private sync(hpa: KObj): void {
    const ref = hpa.spec.scaleTargetRef ?? {}
    const targetDef = RESOURCES.find((r) => r.kind === ref.kind && r.subresources.includes('scale') && !r.storedAs)
    const target = targetDef ? this.api.store.tryGet(targetDef, hpa.metadata.namespace, ref.name) : undefined
    const old = hpa.status?.conditions
    const status: KObj = { ...(hpa.status ?? {}), observedGeneration: hpa.metadata.generation }
    if (!target || !targetDef) {
      status.currentReplicas = status.currentReplicas ?? 0
      status.desiredReplicas = status.desiredReplicas ?? 0
      status.conditions = [
        cond(
          'AbleToScale',
          'False',
          'FailedGetScale',
          `the HPA controller was unable to get the target's current scale: ${String(ref.kind ?? '').toLowerCase()}s.apps "${ref.name}" not found`,
          old,
        ),
      ]
    } else {
      const current = target.spec?.replicas ?? 0
      const min = hpa.spec.minReplicas ?? 1
      const max = hpa.spec.maxReplicas
      let desired = current
      let limited = cond(
        'ScalingLimited',
        'False',
        'DesiredWithinRange',
        'the desired count is within the acceptable range',
        old,
      )
      if (current === 0 && min !== 0) {
        desired = 0
      } else if (current < min) {
        desired = min
        limited = cond(
          'ScalingLimited',
          'True',
          'TooFewReplicas',
          'the desired replica count is less than the minimum replica count',
          old,
        )
      } else if (current > max) {
        desired = max
        limited = cond(
          'ScalingLimited',
          'True',
          'TooManyReplicas',
          'the desired replica count is more than the maximum replica count',
          old,
        )
      }
      if (desired !== current) {
        // As the real controller does, through the scale subresource as kube-controller-manager:
        // the HPA then owns .spec.replicas, and an apply that sets it conflicts with it.
        this.api.updateScale(
          targetDef,
          hpa.metadata.namespace,
          ref.name,
          { spec: { replicas: desired } },
          { manager: { manager: 'kube-controller-manager', subresource: 'scale' } },
        )
        const why =
          desired > current
            ? 'Current number of replicas below Spec.MinReplicas'
            : 'Current number of replicas above Spec.MaxReplicas'
        recordEvent(this.api, {
          involved: hpa,
          type: 'Normal',
          reason: 'SuccessfulRescale',
          message: `New size: ${desired}; reason: ${why}`,
          component: 'horizontal-pod-autoscaler',
        })
        status.lastScaleTime = isoNow()
      }
      status.currentReplicas = target.status?.replicas ?? 0
      status.desiredReplicas = desired
      status.currentMetrics = null
      const clamped = limited.status === 'True'
      const keptLimit = (old ?? []).find((c: KObj) => c.type === 'ScalingLimited' && c.status === 'True')
      if (!clamped && keptLimit) limited = keptLimit
      const metricsRead = desired === current && !(current === 0 && min !== 0)
      if (metricsRead) this.reportMetrics(hpa)
      const failure = metricFailure((hpa.spec.metrics ?? [])[0])
      status.conditions =
        current === 0 && min !== 0
          ? [
              cond(
                'AbleToScale',
                'True',
                'SucceededGetScale',
                "the HPA controller was able to get the target's current scale",
                old,
              ),
              cond(
                'ScalingActive',
                'False',
                'ScalingDisabled',
                'scaling is disabled since the replica count of the target is zero',
                old,
              ),
            ]
          : [
              cond('AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size', old),
              cond(
                'ScalingActive',
                'False',
                failure.reason,
                `the HPA was unable to compute the replica count: ${failure.error}`,
                old,
              ),
              limited,
            ]
    }
    if (!deepEqual(hpa.status, status)) {
      const stored = this.api.store.get(HPAS, hpa.metadata.namespace, hpa.metadata.name)
      stored.status = status
      this.api.store.update(HPAS, stored, { statusOnly: true })
    }
  }
}
