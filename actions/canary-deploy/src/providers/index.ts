// One measurement of one check, by provider; compare mode measures the stable with the same query.
import type { Measurement } from '../analysis.ts'
import { type MetricCheck, substitute } from '../metrics.ts'
import { httpMeasure } from './http.ts'
import { prometheusQuery } from './prometheus.ts'

export interface MeasureContext {
  canary: string
  stable: string
  namespace: string
  header?: { name: string; value: string }
}

export type Measurer = (check: MetricCheck, ctx: MeasureContext) => Promise<Measurement>

export function providers(options: {
  prometheusUrl?: string
  region?: string
  timeoutMs: number
  now: () => number
}): Measurer {
  return async (check, ctx) => {
    const vars = {
      canary: check.canaryValue ?? ctx.canary,
      stable: check.stableValue ?? ctx.stable,
      namespace: ctx.namespace,
    }
    const asStable = { ...vars, canary: vars.stable }
    const compare = check.threshold.compare !== undefined
    switch (check.provider) {
      case 'prometheus': {
        const url = options.prometheusUrl ?? ''
        const canary = await prometheusQuery(url, substitute(check.query, vars), options)
        if (!compare || canary.error) return canary
        const stable = await prometheusQuery(
          url,
          substitute(check.stableQuery ?? check.query, check.stableQuery ? vars : asStable),
          options,
        )
        if (stable.error) return { ...canary, error: `stable: ${stable.error}` }
        return { ...canary, ...(stable.value === undefined ? {} : { stableValue: stable.value }) }
      }
      case 'cloudwatch': {
        const { cloudwatchMeasure } = await import('./cloudwatch.ts')
        const dims = (d: Record<string, string>, v: typeof vars) =>
          Object.fromEntries(Object.entries(d).map(([k, x]) => [k, substitute(x, v)]))
        const canary = await cloudwatchMeasure(check, dims(check.dimensions, vars), options.region ?? '', options.now())
        if (!compare || canary.error) return canary
        const stable = await cloudwatchMeasure(
          check,
          dims(check.stableDimensions ?? check.dimensions, check.stableDimensions ? vars : asStable),
          options.region ?? '',
          options.now(),
        )
        if (stable.error) return { ...canary, error: `stable: ${stable.error}` }
        return { ...canary, ...(stable.value === undefined ? {} : { stableValue: stable.value }) }
      }
      case 'http':
        return httpMeasure(check, ctx.header, options.timeoutMs)
    }
  }
}
