// What a run did, as outputs and as the job summary. Pure: filled in by main.ts as it goes, so
// what is known is reported even when the run fails midway.
import { escapeCell, formatBytes, formatDuration, markdownTable } from '@deploy-actions/kit'
import type { Inputs, Mode } from './inputs.ts'
import type { DbRef } from './plan.ts'

export type Outcome = 'created' | 'reused' | 'deleted' | 'would delete' | 'kept' | 'restored'

export interface ReportRow {
  what: string
  id: string
  outcome: Outcome
  status?: string
  sizeGiB?: number
  /** When the snapshot or DB was created (ISO). */
  at?: string
  durationMs?: number
}

export interface Report {
  mode: Mode
  db?: DbRef
  notes: string[]
  rows: ReportRow[]
  snapshotId?: string
  snapshotArn?: string
  status?: string
  endpoint?: string
  port?: number
  /** restore: the new DB (its status is set once RDS accepted the restore). */
  target?: DbRef
  copied: Array<[string, string]>
  deleted: string[]
  dryRun: boolean
  nextStep?: string
  error?: string
}

export function newReport(inputs: Pick<Inputs, 'mode' | 'dryRun' | 'db'>): Report {
  const report: Report = { mode: inputs.mode, notes: [], rows: [], copied: [], deleted: [], dryRun: inputs.dryRun }
  if (inputs.db) report.db = inputs.db
  return report
}

/** The action's outputs (contract names): only what is known, also after a failure. */
export function outputsOf(report: Report): Record<string, string | undefined> {
  return {
    'snapshot-identifier': report.snapshotId,
    'snapshot-arn': report.snapshotArn,
    status: report.status,
    endpoint: report.endpoint,
    port: report.port === undefined ? undefined : String(report.port),
    deleted: report.mode === 'prune' || report.deleted.length > 0 ? report.deleted.join(',') : undefined,
  }
}

/**
 * Where a run leaves things, in words, for the `left:` line of a failed or cancelled run. RDS
 * finishes what it accepted (a snapshot being created, a DB being restored) on its own; a re-run
 * with the same inputs finds it and waits, so that is what the line says.
 */
export function leftOf(report: Report): string {
  if (report.mode === 'create') {
    if (!report.status) return 'no snapshot was created'
    if (report.status === 'available') return `snapshot ${report.snapshotId} is available`
    return `snapshot ${report.snapshotId} is being created by RDS (${report.status}) and completes on its own; a re-run with the same inputs reuses it and waits`
  }
  if (report.mode === 'prune') {
    if (report.deleted.length === 0) return 'nothing was deleted'
    return `deleted: ${report.deleted.join(', ')}; a re-run deletes what is still beyond retain`
  }
  if (!report.target || !report.status) return 'nothing was restored'
  if (report.status === 'available') return `${report.target.id} is restored and available`
  return `${report.target.id} is being restored from ${report.snapshotId} (${report.status}) and completes on its own; a re-run with the same inputs waits for it`
}

const GIB = 1024 ** 3

export function renderSummary(report: Report): string {
  const title = `### rds-snapshot: ${report.mode}${report.dryRun ? ' (dry run)' : ''}${report.db ? ` of ${report.db.kind === 'cluster' ? 'Aurora cluster' : 'DB instance'} \`${report.db.id}\`` : ''}`
  const parts = [title]
  if (report.error) parts.push(`**Failed:** ${escapeCell(report.error)}`)
  for (const note of report.notes) parts.push(`> ${note}`)
  if (report.rows.length > 0) {
    parts.push(
      markdownTable(
        ['What', 'Identifier', 'Result', 'Status', 'Size', 'Created', 'Took'],
        report.rows.map((r) => [
          r.what,
          `\`${r.id}\``,
          r.outcome,
          r.status ?? '',
          r.sizeGiB === undefined ? '' : formatBytes(r.sizeGiB * GIB),
          r.at ?? '',
          r.durationMs === undefined ? '' : formatDuration(r.durationMs),
        ]),
      ),
    )
  } else if (!report.error) {
    parts.push('Nothing to do.')
  }
  if (report.copied.length > 0) {
    parts.push(`Settings copied from the source DB:\n\n${markdownTable(['Setting', 'Value'], report.copied)}`)
  }
  if (report.endpoint) parts.push(`Endpoint: \`${report.endpoint}${report.port ? `:${report.port}` : ''}\``)
  if (report.nextStep) parts.push(`**${report.nextStep}**`)
  return `${parts.join('\n\n')}\n`
}
