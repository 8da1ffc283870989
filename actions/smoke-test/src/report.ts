// The report of one smoke-test run and what it turns into: the step's outputs, the job summary
// and the JSON report file. Pure; every text that leaves here has the secrets redacted (the
// runner masks its log, but not files we write).

import type { Check } from '@deploy-actions/http-check'
import { formatDuration, formatStatusSet, markdownTable, REDACTED, redact } from '@deploy-actions/kit'
import { printableHeaders } from './checks.ts'
import type { Inputs } from './inputs.ts'
import type { CheckOutcome } from './schedule.ts'

export interface SmokeReport {
  checks: readonly Check[]
  settings: Pick<Inputs, 'timeoutMs' | 'intervalMs' | 'requestTimeoutMs' | 'consecutiveSuccesses' | 'concurrency'>
  reportPath: string
  /** Values never to print. */
  secrets: readonly string[]
  startedAt?: number
  finishedAt?: number
  /** One per check once the checks ran (reasons already redacted). */
  outcomes: CheckOutcome[]
  /** True once the JSON report file is written. */
  written: boolean
}

export function newReport(inputs: Inputs): SmokeReport {
  const { timeoutMs, intervalMs, requestTimeoutMs, consecutiveSuccesses, concurrency } = inputs
  return {
    checks: inputs.checks,
    settings: { timeoutMs, intervalMs, requestTimeoutMs, consecutiveSuccesses, concurrency },
    reportPath: inputs.reportPath,
    secrets: inputs.secrets,
    outcomes: [],
    written: false,
  }
}

export function passedCount(r: SmokeReport): number {
  return r.outcomes.filter((o) => o.passed).length
}

/** Output name → value. A check without an outcome (the run stopped early) counts as failed. */
export function outputsOf(r: SmokeReport): Record<string, string> {
  const passed = passedCount(r)
  const failed = r.checks.length - passed
  return {
    result: failed === 0 && r.outcomes.length === r.checks.length ? 'success' : 'failure',
    passed: String(passed),
    failed: String(failed),
    ...(r.written ? { report: r.reportPath } : {}),
  }
}

/** One line for the job's failure: how many failed and the first reason. */
export function failureMessage(r: SmokeReport): string | undefined {
  const first = r.outcomes.find((o) => !o.passed)
  if (!first) return undefined
  const failed = r.checks.length - passedCount(r)
  return redact(
    `${failed} of ${r.checks.length} smoke checks failed (first: ${first.check.name}: ${first.reason})`,
    r.secrets,
  )
}

export function reportJson(r: SmokeReport): string {
  const started = r.startedAt ?? 0
  const finished = r.finishedAt ?? started
  const outputs = outputsOf(r)
  const doc = {
    result: outputs.result,
    passed: Number(outputs.passed),
    failed: Number(outputs.failed),
    total: r.checks.length,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date(finished).toISOString(),
    durationMs: finished - started,
    settings: r.settings,
    checks: r.outcomes.map((o) => ({
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
  return `${redact(JSON.stringify(doc, null, 2), r.secrets)}\n`
}

export function renderSummary(r: SmokeReport): string {
  const total = r.checks.length
  const failed = total - passedCount(r)
  const durationMs = (r.finishedAt ?? r.startedAt ?? 0) - (r.startedAt ?? 0)
  const head =
    failed === 0
      ? `### ✅ Smoke test passed: ${total} of ${total} checks`
      : `### ❌ Smoke test failed: ${failed} of ${total} checks failed`
  const table = markdownTable(
    ['Check', 'Result', 'Attempts', 'Latency', 'Reason'],
    r.outcomes.map((o) => [
      `${o.check.name === `${o.check.method} ${o.check.displayUrl}` ? '' : `${o.check.name}<br>`}\`${o.check.method} ${o.check.displayUrl}\``,
      o.passed ? '✅ passed' : '❌ failed',
      o.attempts,
      o.latencyMs === undefined ? '' : formatDuration(o.latencyMs),
      o.reason,
    ]),
  )
  const s = r.settings
  const settings =
    `Finished in ${formatDuration(durationMs)}; deadline ${formatDuration(s.timeoutMs)}, request timeout ` +
    `${formatDuration(s.requestTimeoutMs)}, ${s.consecutiveSuccesses} consecutive success(es) per check, ` +
    `concurrency ${s.concurrency}. Secret header values are shown as ${REDACTED}.`
  return redact(`${head}\n\n${table}\n\n${settings}\n`, r.secrets)
}

/** Where the run left things, for the `left:` line of a failed or cancelled run. */
export function leftOf(r: SmokeReport): string {
  const tested = r.outcomes.length
    ? `${passedCount(r)} of ${r.checks.length} checks passed`
    : `no check finished (${r.checks.length} planned)`
  const file = r.written ? `, report at ${r.reportPath}` : ''
  return `nothing changed (a smoke test only sends requests); ${tested}${file}; a re-run tests every check again`
}
