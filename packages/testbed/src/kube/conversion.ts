// Versions served by conversion from the stored one: autoscaling/v1 HorizontalPodAutoscalers
// are autoscaling/v2 objects seen through the v1 schema (CPU utilization only), as the API
// server converts them.
import { apiVersionOf, type ResourceDef } from './resources.ts'
import { clone, type KObj } from './types.ts'

function cpuMetric(metrics: KObj[] | undefined): KObj | undefined {
  return (metrics ?? []).find((m) => m.type === 'Resource' && m.resource?.name === 'cpu')
}

/** The stored object as version `r` shows it. */
export function convertTo(r: ResourceDef, stored: KObj): KObj {
  if (!r.storedAs) return stored
  const obj = clone(stored)
  obj.apiVersion = apiVersionOf(r)
  if (r.kind === 'HorizontalPodAutoscaler' && r.version === 'v1') {
    const spec = obj.spec ?? {}
    const cpu = cpuMetric(spec.metrics)
    obj.spec = {
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      ...(cpu?.resource?.target?.averageUtilization !== undefined
        ? { targetCPUUtilizationPercentage: cpu.resource.target.averageUtilization }
        : {}),
    }
    const st = obj.status ?? {}
    const current = cpuMetric(st.currentMetrics)?.resource?.current?.averageUtilization
    obj.status = {
      ...(st.observedGeneration !== undefined ? { observedGeneration: st.observedGeneration } : {}),
      ...(st.lastScaleTime ? { lastScaleTime: st.lastScaleTime } : {}),
      currentReplicas: st.currentReplicas ?? 0,
      desiredReplicas: st.desiredReplicas ?? 0,
      ...(current !== undefined ? { currentCPUUtilizationPercentage: current } : {}),
    }
  }
  return obj
}

/** An object written in version `r`, in the stored version. `stored` supplies what `r` cannot express. */
export function convertFrom(r: ResourceDef, input: KObj, stored?: KObj): KObj {
  if (!r.storedAs) return input
  const obj = clone(input)
  obj.apiVersion = `${r.group}/${r.storedAs}`
  if (r.kind === 'HorizontalPodAutoscaler' && r.version === 'v1') {
    const spec = obj.spec ?? {}
    const metrics =
      spec.targetCPUUtilizationPercentage !== undefined
        ? [
            {
              type: 'Resource',
              resource: {
                name: 'cpu',
                target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage },
              },
            },
          ]
        : stored?.spec?.metrics
    obj.spec = {
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      ...(metrics ? { metrics } : {}),
      ...(stored?.spec?.behavior ? { behavior: stored.spec.behavior } : {}),
    }
    obj.status = stored?.status ?? obj.status
  }
  return obj
}
