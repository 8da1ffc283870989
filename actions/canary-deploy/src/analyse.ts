// Analysis during one step: every analysis-interval, canary pod health and every metric check;
// the first failure ends the step (the caller aborts), the step's end judges min-samples.
import { formatDuration } from '@deploy-actions/kit'
import { type Judged, judge, StepAnalysis, type StepOutcome } from './analysis.ts'
import { CanaryFailure, type Ctx, checkCanaryPods, pause } from './canary.ts'
import type { CanaryState } from './state.ts'
import { canaryName } from './state.ts'
import { roundsPerStep } from './steps.ts'

export async function analyseStep(
  ctx: Ctx,
  state: CanaryState,
  onRound: (checks: Judged[], round: number) => void,
  options: { target?: 'canary' | 'stable'; durationMs?: number } = {},
): Promise<StepOutcome> {
  const { inputs, deps } = ctx
  const checks = inputs.metrics
  const analysis = new StepAnalysis(checks)
  const rounds = roundsPerStep(options.durationMs ?? inputs.stepDurationMs, inputs.analysisIntervalMs)
  const bake = options.target === 'stable'
  const vars = {
    canary: bake ? state.stable : canaryName(state.stable),
    stable: state.stable,
    namespace: state.namespace,
    ...(state.header && !bake ? { header: state.header } : {}),
  }
  const what = bake ? `bake of ${state.stable}` : `${canaryName(state.stable)} at ${state.liveWeight}%`
  for (let round = 1; round <= rounds; round++) {
    // Long intervals are slept in pieces, with a progress line at least every progressEveryMs.
    let left = inputs.analysisIntervalMs
    while (left > 0) {
      const piece = Math.min(left, inputs.progressEveryMs)
      await pause(ctx, piece)
      left -= piece
      if (left > 0) deps.log.info(`${what}: analysis ${round}/${rounds} in ${formatDuration(left)}`)
    }
    if (!bake) await checkCanaryPods(ctx, state, true)
    const judged = await Promise.all(checks.map(async (c) => judge(c, await deps.measure(c, vars))))
    onRound(judged, round)
    if (judged.length) {
      deps.log.info(
        `${what}: analysis ${round}/${rounds}: ${judged.map((j) => `${j.check} ${j.shown} (${j.verdict})`).join(', ')}`,
      )
    }
    state.checks = judged.map((j) => `${j.check}: ${j.shown} (${j.verdict})`)
    for (const j of judged) {
      const abort = analysis.record(j)
      if (abort) throw new CanaryFailure(abort)
    }
  }
  return analysis.finish()
}
