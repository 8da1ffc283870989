// The I/O edge: runs the checks with the injected probe/clock/logger, writes the JSON report and
// builds the job summary. Every text that leaves here is passed through redact() first.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import {
  type Clock,
  formatDuration,
  formatStatusSet,
  type Logger,
  markdownTable,
  REDACTED,
  realClock,
  redact,
} from '@deploy-actions/kit'
import { printableHeaders } from './checks.ts'
import { httpProbe } from './http.ts'
import type { Inputs } from './inputs.ts'
import { type CheckOutcome, type Probe, runChecks } from './schedule.ts'

export interface Deps {
  log: Logger
  clock?: Clock
  probe?: Probe
  random?: () => number
  /** Progress line period (default 20 s). */
  progressEveryMs?: number
}

export interface Result {
  result: 'success' | 'failure'
  passed: number
  failed: number
  reportPath: string
  summary: string
  /** One line for the job's failure: how many failed and the first reason. */
  message: string
  outcomes: CheckOutcome[]
}

export async function run(inputs: Inputs, deps: Deps): Promise<Result> {
  const clock = deps.clock ?? realClock
  const safe = (text: string) => redact(text, inputs.secrets)
  const startedAt = new Date(clock.now())
  const checks = inputs.checks

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
    runChecks(checks, deps.probe ?? httpProbe(), {
      timeoutMs: inputs.timeoutMs,
      intervalMs: inputs.intervalMs,
      requestTimeoutMs: inputs.requestTimeoutMs,
      consecutiveSuccesses: inputs.consecutiveSuccesses,
      concurrency: inputs.concurrency,
      clock,
      ...(deps.random ? { random: deps.random } : {}),
      ...(deps.progressEveryMs ? { progressEveryMs: deps.progressEveryMs } : {}),
      log: (line) => deps.log.info(safe(line)),
    }),
  )

  // Reasons can quote response bodies, which may echo a header back: redacted once, here.
  const outcomes = observed.map((o) => ({ ...o, reason: safe(o.reason) }))
  const passed = outcomes.filter((o) => o.passed).length
  const failed = outcomes.length - passed
  const result = failed === 0 ? 'success' : 'failure'
  const finishedAt = new Date(clock.now())

  const report = {
    result,
    passed,
    failed,
    total: outcomes.length,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    settings: {
      timeoutMs: inputs.timeoutMs,
      intervalMs: inputs.intervalMs,
      requestTimeoutMs: inputs.requestTimeoutMs,
      consecutiveSuccesses: inputs.consecutiveSuccesses,
      concurrency: inputs.concurrency,
    },
    checks: outcomes.map((o) => ({
      name: o.check.name,
      method: o.check.method,
      url: o.check.displayUrl,
      headers: printableHeaders(o.check.headers),
      expect: {
        status: formatStatusSet(o.check.expect.status),
        ...(o.check.expect.json.length
          ? { json: Object.fromEntries(o.check.expect.json.map((a) => [a.path, a.expected])) }
          : {}),
        ...(o.check.expect.body ? { body: String(o.check.expect.body) } : {}),
        ...(o.check.expect.maxLatencyMs === undefined ? {} : { maxLatencyMs: o.check.expect.maxLatencyMs }),
      },
      result: o.passed ? 'passed' : 'failed',
      attempts: o.attempts,
      status: o.status ?? null,
      latencyMs: o.latencyMs === undefined ? null : Math.round(o.latencyMs),
      reason: o.reason,
      ...(o.kind ? { failure: o.kind } : {}),
      elapsedMs: Math.round(o.elapsedMs),
    })),
  }
  mkdirSync(dirname(inputs.reportPath), { recursive: true })
  writeFileSync(inputs.reportPath, `${safe(JSON.stringify(report, null, 2))}\n`)

  const summary = safe(summaryMarkdown(outcomes, inputs, report.durationMs))
  if (result === 'success') deps.log.info(`All ${passed} smoke checks passed in ${formatDuration(report.durationMs)}`)
  else {
    for (const o of outcomes) if (!o.passed) deps.log.error(safe(`${o.check.name}: ${o.reason}`))
  }
  const first = outcomes.find((o) => !o.passed)
  const message = first
    ? `${failed} of ${outcomes.length} smoke checks failed (first: ${first.check.name}: ${first.reason})`
    : `all ${passed} smoke checks passed`
  return { result, passed, failed, reportPath: inputs.reportPath, summary, message: safe(message), outcomes }
}

export function summaryMarkdown(outcomes: readonly CheckOutcome[], inputs: Inputs, durationMs: number): string {
  const failed = outcomes.filter((o) => !o.passed).length
  const head =
    failed === 0
      ? `### ✅ Smoke test passed: ${outcomes.length} of ${outcomes.length} checks`
      : `### ❌ Smoke test failed: ${failed} of ${outcomes.length} checks failed`
  const table = markdownTable(
    ['Check', 'Result', 'Attempts', 'Latency', 'Reason'],
    outcomes.map((o) => [
      `${o.check.name === `${o.check.method} ${o.check.displayUrl}` ? '' : `${o.check.name}<br>`}\`${o.check.method} ${o.check.displayUrl}\``,
      o.passed ? '✅ passed' : '❌ failed',
      o.attempts,
      o.latencyMs === undefined ? '' : formatDuration(o.latencyMs),
      o.reason,
    ]),
  )
  const settings =
    `Finished in ${formatDuration(durationMs)}; deadline ${formatDuration(inputs.timeoutMs)}, request timeout ` +
    `${formatDuration(inputs.requestTimeoutMs)}, ${inputs.consecutiveSuccesses} consecutive success(es) per check, ` +
    `concurrency ${inputs.concurrency}. Secret header values are shown as ${REDACTED}.`
  return `${head}\n\n${table}\n\n${settings}\n`
}
