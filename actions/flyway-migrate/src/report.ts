// What a run did, as outputs and as the job summary (what ran, then `info` before and after as
// tables). Pure: the engine fills the report as it goes, so a failed run still reports what it knows.
import { type InfoRow, newReport as newEngineReport, type Report } from '@deploy-actions/flyway/config'
import { escapeCell, formatDuration, markdownTable } from '@deploy-actions/kit'
import type { Inputs } from './inputs.ts'

/** The engine's report plus what the action adds: where it ran, how it ended, the JSON file. */
export interface MigrateReport extends Report {
  /** The URL with its credentials replaced, safe to print. */
  displayUrl: string
  outcome: 'succeeded' | 'failed' | 'cancelled'
  /** Where a failed or cancelled run left the database, and what a re-run does. */
  left?: string
  /** Path of the JSON report, once written. */
  reportFile?: string
}

export function newReport(inputs: Pick<Inputs, 'command' | 'dryRun' | 'displayUrl'>): MigrateReport {
  return { ...newEngineReport(inputs.command, inputs.dryRun), displayUrl: inputs.displayUrl, outcome: 'failed' }
}

/** The action's outputs (contract names), set also after a failure with what is known. */
export function outputsOf(report: MigrateReport): Record<string, string | number | undefined> {
  return {
    applied: report.applied.length,
    pending: report.pending.length,
    'schema-version': report.schemaVersion ?? '',
    report: report.reportFile,
  }
}

function infoTable(rows: InfoRow[]): string {
  if (rows.length === 0) return '_No migrations found and no schema history._'
  return markdownTable(
    ['Category', 'Version', 'Description', 'Type', 'Installed On', 'State'],
    rows.map((r) => [r.category, r.version, r.description, r.type, r.installedOn, r.state]),
  )
}

export function renderSummary(report: MigrateReport): string {
  const title = `flyway-migrate: ${report.command}${report.dryRun ? ' (dry run)' : ''} ${report.outcome}`
  const lines: string[] = [`## ${title}`, '']
  lines.push(
    `Database: \`${escapeCell(report.displayUrl)}\`${report.database ? ` (${escapeCell(report.database)})` : ''}  `,
  )
  lines.push(
    `Schema version: **${report.schemaVersionBefore ?? 'empty'}** → **${report.schemaVersion ?? report.schemaVersionBefore ?? 'empty'}**, applied ${report.applied.length}, pending ${report.pending.length}`,
    '',
  )
  if (report.failure) {
    const where = report.failure.file
      ? ` in \`${report.failure.file}\`${report.failure.line ? ` line ${report.failure.line}` : ''}`
      : ''
    lines.push(
      `> **Failed**${where}: ${escapeCell(report.failure.message)}${report.failure.sqlState ? ` (SQL state ${report.failure.sqlState})` : ''}`,
      '',
    )
  }
  if (report.left) lines.push(`**Left:** ${escapeCell(report.left)}`, '')
  if (report.errors.length > 0) {
    lines.push('### Validation errors', '', ...report.errors.map((e) => `- ${escapeCell(e.message)}`), '')
  }
  if (report.actions.length > 0) lines.push('### Actions', '', ...report.actions.map((a) => `- ${escapeCell(a)}`), '')
  if (report.applied.length > 0) {
    lines.push(
      '### Applied',
      '',
      markdownTable(
        ['Version', 'Description', 'Script', 'Time', 'Transaction'],
        report.applied.map((a) => [
          a.version || 'repeatable',
          a.description,
          a.script,
          formatDuration(a.executionTimeMs),
          a.transactional ? 'yes' : 'no',
        ]),
      ),
      '',
    )
  }
  if (report.dryRun && report.command === 'migrate') {
    lines.push(
      '### Would apply',
      '',
      report.pending.length === 0
        ? '_Nothing: the schema is up to date._'
        : markdownTable(
            ['Version', 'Description', 'Script'],
            report.pending.map((p) => [p.version || 'repeatable', p.description, p.script]),
          ),
      '',
    )
  }
  lines.push('### Info before', '', infoTable(report.infoBefore), '')
  if (report.infoAfter.length > 0) lines.push('### Info after', '', infoTable(report.infoAfter), '')
  if (report.notes.length > 0)
    lines.push(
      '<details><summary>Notes</summary>',
      '',
      ...report.notes.map((n) => `- ${escapeCell(n)}`),
      '',
      '</details>',
      '',
    )
  return lines.join('\n')
}
