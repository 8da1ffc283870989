// The job summary: what ran, then `info` before and after as tables. Pure.

import type { InfoRow, Report } from '@deploy-actions/flyway'
import { escapeCell, formatDuration, markdownTable } from '@deploy-actions/kit'

function infoTable(rows: InfoRow[]): string {
  if (rows.length === 0) return '_No migrations found and no schema history._'
  return markdownTable(
    ['Category', 'Version', 'Description', 'Type', 'Installed On', 'State'],
    rows.map((r) => [r.category, r.version, r.description, r.type, r.installedOn, r.state]),
  )
}

export function renderSummary(report: Report, target: string, outcome: 'succeeded' | 'failed'): string {
  const title = `flyway-migrate: ${report.command}${report.dryRun ? ' (dry run)' : ''} ${outcome}`
  const lines: string[] = [`## ${title}`, '']
  lines.push(`Database: \`${escapeCell(target)}\`${report.database ? ` (${escapeCell(report.database)})` : ''}  `)
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
