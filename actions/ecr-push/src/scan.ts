// The optional scan gate: wait (with progress lines) for ECR's scan of the pushed digest, then
// fail at or above `fail-on-severity`.
import { DeployError, waitUntil } from '@deploy-actions/kit'
import type { Inputs } from './inputs.ts'
import type { Deps } from './main.ts'
import { formatCounts, scanGate } from './plan.ts'
import type { ScanFindings } from './ports.ts'
import type { PushReport } from './report.ts'

export async function scanGateStep(inputs: Inputs, digest: string, deps: Deps, report: PushReport): Promise<void> {
  const { ecr, log } = deps
  const what = `image scan of ${inputs.repository}@${digest}`
  if (!(await ecr.scanFindings(inputs.repository, digest))) {
    log.info(`starting ${what}`)
    await ecr.startScan(inputs.repository, digest)
  }
  log.info(`waiting for ${what}`)
  const findings = await waitUntil<ScanFindings>(
    async () => {
      const f = await ecr.scanFindings(inputs.repository, digest)
      if (f && (f.status === 'COMPLETE' || f.status === 'ACTIVE')) return { done: f }
      if (f && (f.status === 'FAILED' || f.status === 'UNSUPPORTED_IMAGE')) {
        throw new DeployError(`${what} ended ${f.status}: ${f.description ?? 'no reason given'}`, {
          leftState: `image pushed as ${inputs.tags.join(', ')} but not scanned`,
        })
      }
      return { detail: f ? f.status : 'not started yet' }
    },
    {
      what,
      timeoutMs: deps.scanTimeoutMs ?? 30 * 60_000,
      intervalMs: deps.scanIntervalMs ?? 5000,
      log: (line) => log.info(line),
      clock: deps.clock,
      ...(deps.signal ? { signal: deps.signal } : {}),
    },
  )
  const gate = scanGate(findings.counts, inputs.failOnSeverity)
  report.scan = { status: findings.status, counts: findings.counts, threshold: inputs.failOnSeverity, gate }
  log.info(`scan ${findings.status}: ${formatCounts(findings.counts)}`)
  if (gate.failed) {
    throw new DeployError(
      `scan found ${gate.blocking} finding(s) at or above ${inputs.failOnSeverity} (${formatCounts(findings.counts)})`,
      { leftState: `image ${digest} is in ${inputs.repository} as ${inputs.tags.join(', ')}; do not deploy it` },
    )
  }
}
