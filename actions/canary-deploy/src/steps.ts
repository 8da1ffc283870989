// The step plan: weights in order, how many analysis rounds fit a step, and whether the plan
// ends in promotion (a last step of 100) or in a pause for a manual gate. Pure.
import { ConfigurationError, parseList } from '@deploy-actions/kit'

export const STEPS_FORM = 'increasing whole-number weights from 1 to 100, like 10,50,100'

/** Parses `steps`: each a whole number in 1..100, strictly increasing. */
export function parseSteps(raw: string): number[] {
  const items = parseList(raw || '10,50,100')
  const weights: number[] = []
  for (const item of items) {
    const w = /^\d+%?$/.test(item) ? Number(item.replace('%', '')) : Number.NaN
    if (!Number.isInteger(w) || w < 1 || w > 100) throw new ConfigurationError('steps', STEPS_FORM, raw)
    const prev = weights.at(-1)
    if (prev !== undefined && w <= prev) {
      throw new ConfigurationError('steps', `${STEPS_FORM} (${w} follows ${prev})`, raw)
    }
    weights.push(w)
  }
  if (weights.length === 0) throw new ConfigurationError('steps', STEPS_FORM, raw)
  return weights
}

export interface StepPlan {
  /** The canary weights to hold and analyse, in order (100 excluded: it means promote). */
  canaryWeights: number[]
  /** True when the plan ends at 100 (promote); false leaves the canary running, paused. */
  promotes: boolean
}

export function planSteps(steps: readonly number[]): StepPlan {
  return { canaryWeights: steps.filter((w) => w < 100), promotes: steps.at(-1) === 100 }
}

/** The weights still ahead after `current` (a resumed plan never goes back). */
export function remainingWeights(plan: StepPlan, current: number): number[] {
  return plan.canaryWeights.filter((w) => w > current)
}

/** Analysis rounds within one step: at least one, one per interval. */
export function roundsPerStep(stepDurationMs: number, intervalMs: number): number {
  return Math.max(1, Math.floor(stepDurationMs / Math.max(1, intervalMs)))
}
