// smoke-test orchestration: run every check with the injected probe and clock, fill in the
// report, write the JSON report file, fail the step when a check failed. Every text that
// leaves here is redacted first.

import type { Probe } from '@deploy-actions/http-check'
import { type Clock, DeployError, formatDuration, type Logger, realClock, redact } from '@deploy-actions/kit'
import { printableHeaders } from './checks.ts'
import type { Inputs } from './inputs.ts'
import { failureMessage, passedCount, reportJson, type SmokeReport } from './report.ts'
import { runChecks } from './schedule.ts'

export interface Deps {
  log: Logger
  probe: Probe
  writeFile(path: string, text: string): void
  clock?: Clock
  random?: () => number
  /** Progress line period (default 20 s). */
  progressEveryMs?: number
  /** Aborted when the job is cancelled: checks stop, the report is still written. */
  signal?: AbortSignal
}

export async function run(inputs: Inputs, deps: Deps, report: SmokeReport): Promise<void> {
  const clock = deps.clock ?? realClock
  const safe = (text: string) => redact(text, inputs.secrets)
  const { checks } = inputs
  report.startedAt = clock.now()

  deps.log.info(
    safe(
      `Smoke-testing ${checks.length} check${checks.length === 1 ? '' : 's'}: deadline ${formatDuration(inputs.timeoutMs)}, ` +
        `request timeout ${formatDuration(inputs.requestTimeoutMs)}, backoff from ${formatDuration(inputs.intervalMs)}, ` +
        `${inputs.consecutiveSuccesses} consecutive success${inputs.consecutiveSuccesses === 1 ? '' : 'es'} needed, ` +
        `concurrency ${inputs.concurrency}`,
    ),
  )
  for (const c of checks) {
    const headers = Object.entries(printableHeaders(c.headers)).map(([k, v]) => `${k}: ${v}`)
    const label = c.name === `${c.method} ${c.displayUrl}` ? c.name : `${c.name}: ${c.method} ${c.displayUrl}`
    deps.log.debug(safe(`${label}${headers.length ? ` [${headers.join(', ')}]` : ''}`))
  }

  const observed = await deps.log.group('Smoke checks', () =>
    runChecks(checks, deps.probe, {
      timeoutMs: inputs.timeoutMs,
      intervalMs: inputs.intervalMs,
      requestTimeoutMs: inputs.requestTimeoutMs,
      consecutiveSuccesses: inputs.consecutiveSuccesses,
      concurrency: inputs.concurrency,
      clock,
      ...(deps.random ? { random: deps.random } : {}),
      ...(deps.progressEveryMs ? { progressEveryMs: deps.progressEveryMs } : {}),
      log: (line) => deps.log.info(safe(line)),
      ...(deps.signal ? { signal: deps.signal } : {}),
    }),
  )
  // Reasons can quote response bodies, which may echo a header back: redacted once, here.
  report.outcomes = observed.map((o) => ({ ...o, reason: safe(o.reason) }))
  report.finishedAt = clock.now()
  deps.writeFile(report.reportPath, reportJson(report))
  report.written = true
  deps.signal?.throwIfAborted()

  const message = failureMessage(report)
  if (!message) {
    deps.log.info(
      `All ${passedCount(report)} smoke checks passed in ${formatDuration(report.finishedAt - report.startedAt)}`,
    )
    return
  }
  for (const o of report.outcomes) if (!o.passed) deps.log.error(safe(`${o.check.name}: ${o.reason}`))
  throw new DeployError(message)
}
