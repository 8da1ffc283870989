// The root action: the whole release from one plan file, each step run as its action's bundle
// (the same code the reusable workflow's jobs run), or, with `command: plan`, what it would do.
import { openSession, planFromPlan, releaseFromPlan } from '../../../packages/release/src/session.ts'
import { RELEASE_STEPS } from '../../../packages/release/src/steps.ts'
import type { Inputs } from './inputs.ts'
import type { Report } from './report.ts'

export interface Deps {
  log: (line: string) => void
  /** A warning annotation (a break-glass release, an undelivered notification). */
  warn: (line: string) => void
  signal: AbortSignal
  env: NodeJS.ProcessEnv
}

export async function run(inputs: Inputs, deps: Deps, report: Report): Promise<void> {
  const session = openSession({
    planFile: inputs.plan,
    version: inputs.version,
    env: deps.env,
    passthrough: true,
    sink: deps.log,
    signal: deps.signal,
  })
  report.version = session.version
  try {
    if (inputs.command === 'plan') {
      report.planMarkdown = await planFromPlan(session)
      return
    }
    const { defaultGuardrailDeps, withGuardrails } = await import('../../../packages/release/src/guardrails/steps.ts')
    const steps = withGuardrails(RELEASE_STEPS, defaultGuardrailDeps(deps.warn))
    report.outcome = await releaseFromPlan(session, steps)
    const r = report.outcome.result
    if (!r.ok)
      throw new Error(
        `release ${session.version} ${r.cancelled ? 'cancelled' : `stopped at ${r.failure?.step}: ${r.failure?.reason}`}`,
      )
  } finally {
    session.close()
  }
}
