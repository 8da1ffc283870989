// The guardrails action: `check` decides whether a release may start (window and freezes, with
// break-glass; then the preflight checks), `notify` tells Slack and Teams about one release event.
// The decisions, checks and payloads are the release engine's (packages/release/src/guardrails),
// the same code a plan-file release runs as its schedule, checks, announce and conclude steps.
import type { Inputs } from './inputs.ts'
import type { Deps } from './ports.ts'
import type { Report } from './report.ts'

export async function run(inputs: Inputs, deps: Deps, report: Report): Promise<void> {
  if (inputs.mode === 'check') {
    const { check } = await import('./check.ts')
    return check(inputs, deps, report)
  }
  const { announce } = await import('./announce.ts')
  return announce(inputs, deps, report)
}
