// mode: check. The schedule first (a closed window or a freeze blocks unless break-glass gives a
// reason, which is then a warning annotation naming what it overrode), then every preflight
// check, each with its own line, so one run shows all there is to fix. Blocked: the step fails.
import { decide } from '../../../packages/release/src/guardrails/window.ts'
import type { CheckInputs } from './inputs.ts'
import type { Deps } from './ports.ts'
import type { Report } from './report.ts'

export class Blocked extends Error {
  override name = 'Blocked'
}

export async function check(inputs: CheckInputs, deps: Deps, report: Report): Promise<void> {
  const decision = decide(inputs.schedule, deps.now(), inputs.breakGlass)
  report.schedule = decision
  deps.log(`${decision.allowed ? '✔' : '✘'} schedule: ${decision.reason}`)
  if (decision.override) {
    report.override = `${decision.override.blocked}; reason: ${decision.override.reason}`
    // As the plan-file release logs it: visible in the run's annotations, with its reason.
    deps.warn(`break-glass release of ${inputs.version}: ${report.override}`)
  }
  if (inputs.preflight) {
    const { preflightFailures, runPreflight } = await import('../../../packages/release/src/guardrails/preflight.ts')
    report.checks = await runPreflight(inputs.preflight, await deps.preflight(inputs))
    for (const r of report.checks) deps.log(`${r.ok ? '✔' : '✘'} ${r.check}: ${r.detail}`)
    report.failedChecks = preflightFailures(report.checks)
  }
  const blocked = [decision.allowed ? undefined : decision.reason, report.failedChecks].filter(Boolean)
  report.result = blocked.length ? 'blocked' : 'passed'
  if (blocked.length) throw new Blocked(`release ${inputs.version} blocked: ${blocked.join('; ')}`)
}
