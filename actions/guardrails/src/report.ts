// What the guardrails did, as outputs and as the job summary (pure). main fills the report as it
// goes, so a blocked or failed check still reports every line it has.
import { escapeCell, markdownTable } from '@deploy-actions/kit'
import type { NotifyResult, ReleaseNews } from '../../../packages/release/src/guardrails/notify.ts'
import type { CheckResult } from '../../../packages/release/src/guardrails/preflight.ts'
import type { ScheduleDecision } from '../../../packages/release/src/guardrails/window.ts'
import type { Inputs } from './inputs.ts'

export interface Report {
  mode: Inputs['mode']
  version: string
  /** check: passed or blocked; notify: sent, undelivered (a warning) or none (no webhook given). */
  result?: 'passed' | 'blocked' | 'sent' | 'undelivered' | 'none'
  schedule?: ScheduleDecision
  /** What break-glass let through, and why. */
  override?: string
  checks?: CheckResult[]
  failedChecks?: string
  news?: ReleaseNews
  sent?: NotifyResult[]
  /** A failure that is not a verdict (a check that could not be run at all). */
  error?: string
}

export function newReport(inputs: Pick<Inputs, 'mode' | 'version'>): Report {
  return { mode: inputs.mode, version: inputs.version }
}

/** Why the release may or may not start, on one line. */
export function reasonOf(report: Report): string | undefined {
  if (report.mode !== 'check') return undefined
  const parts = [report.schedule?.reason, report.failedChecks ?? report.error].filter(Boolean)
  if (report.result === 'passed' && report.checks?.length) parts.push(`${report.checks.length} preflight checks passed`)
  return parts.length ? parts.join('; ') : undefined
}

export function outputsOf(report: Report): Record<string, string | undefined> {
  return {
    result: report.result ?? (report.mode === 'check' && report.error ? 'blocked' : undefined),
    reason: reasonOf(report),
    override: report.override,
  }
}

export function renderSummary(report: Report): string {
  if (report.mode === 'notify') {
    const head = `## Release ${report.version}: ${report.news?.event ?? 'notification'}`
    if (!report.sent?.length) return `${head}\n\nNo webhook given: nothing sent.\n`
    const rows = report.sent.map((r) => [r.target, r.sent ? '✅ delivered' : `⚠️ ${escapeCell(r.warning ?? '')}`])
    return [
      head,
      '',
      `${escapeCell(report.news?.outcome ?? '')}`,
      '',
      markdownTable(['target', 'result'], rows),
      '',
    ].join('\n')
  }
  const verdict = report.result === 'passed' ? '✅ may start' : report.result === 'blocked' ? '❌ blocked' : '…'
  const rows: string[][] = []
  if (report.schedule)
    rows.push(['schedule', report.schedule.allowed ? '✅' : '❌', escapeCell(report.schedule.reason)])
  for (const c of report.checks ?? []) rows.push([escapeCell(c.check), c.ok ? '✅' : '❌', escapeCell(c.detail)])
  const lines = [`## Release ${report.version} guardrails: ${verdict}`, '']
  if (report.override) lines.push(`**Break-glass:** ${escapeCell(report.override)}`, '')
  if (rows.length) lines.push(markdownTable(['check', 'ok', 'detail'], rows), '')
  if (report.error) lines.push(`**Could not check:** ${escapeCell(report.error)}`, '')
  return lines.join('\n')
}
