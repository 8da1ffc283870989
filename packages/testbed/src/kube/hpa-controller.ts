// A HorizontalPodAutoscaler controller without a metrics server: the target's current
// replicas are honoured (kept within minReplicas..maxReplicas) and reported in status.
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

export class HpaController {
  private readonly api: Api
  constructor(api: Api) {
    this.api = api
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
        this.api.updateScale(targetDef, hpa.metadata.namespace, ref.name, { spec: { replicas: desired } })
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
                'FailedGetResourceMetric',
                'the HPA was unable to compute the replica count: no metrics server in the testbed; the current replica count is kept',
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
