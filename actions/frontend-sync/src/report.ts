// What a sync did (or, in a dry run, would do), filled in as it goes, so that a failed run
// still reports what it got done; and its outputs and job summary. Pure.
import { formatBytes, markdownTable } from '@deploy-actions/kit'
import { largest, type SyncPlan } from './diff.ts'
import type { Inputs } from './inputs.ts'

export interface Report {
  bucket: string
  prefix: string
  source: string
  distributionId: string | undefined
  dryRun: boolean
  plan?: SyncPlan
  uploaded: number
  bytesUploaded: number
  deleted: number
  unchanged: number
  /** The invalidation paths (planned in a dry run, sent otherwise). */
  paths: string[]
  invalidationId?: string
  invalidationStatus?: 'planned' | 'created' | 'completed'
  /** Why no invalidation was sent, when none was. */
  invalidationNote?: string
}

export function newReport(inputs: Pick<Inputs, 'bucket' | 'prefix' | 'source' | 'distributionId' | 'dryRun'>): Report {
  return {
    bucket: inputs.bucket,
    prefix: inputs.prefix,
    source: inputs.source,
    distributionId: inputs.distributionId,
    dryRun: inputs.dryRun,
    uploaded: 0,
    bytesUploaded: 0,
    deleted: 0,
    unchanged: 0,
    paths: [],
  }
}

/** Output name → value; also after a failure, with what was done up to it. */
export function outputsOf(report: Report): Record<string, string | number> {
  return {
    uploaded: report.uploaded,
    deleted: report.deleted,
    unchanged: report.unchanged,
    'bytes-uploaded': report.bytesUploaded,
    'invalidation-id': report.invalidationId ?? '',
    'paths-invalidated': report.paths.length,
  }
}

function listed(items: readonly string[], max: number): string {
  const shown = items.slice(0, max).map((k) => `\`${k}\``)
  return `${shown.join(', ')}${items.length > max ? ` and ${items.length - max} more` : ''}`
}

export function renderSummary(report: Report): string {
  const title = `### frontend-sync${report.dryRun ? ' (dry run: nothing written)' : ''}: s3://${report.bucket}/${report.prefix}`
  const verb = report.dryRun ? 'to ' : ''
  const plan = report.plan
  const rows: unknown[][] = [
    [`${verb}upload`, report.uploaded, formatBytes(report.bytesUploaded)],
    ['unchanged', report.unchanged, ''],
    [`${verb}delete`, report.deleted, plan ? formatBytes(plan.deletes.reduce((s, d) => s + d.size, 0)) : ''],
  ]
  const parts = [title, '', markdownTable(['files', 'count', 'bytes'], rows)]
  if (plan && plan.uploads.length > 0) {
    parts.push(
      '',
      `**Largest changes** (of ${plan.uploads.length})`,
      '',
      markdownTable(
        ['key', 'size', 'why', 'content type', 'cache-control'],
        largest(plan.uploads, 10).map((u) => [u.key, formatBytes(u.size), u.reason, u.contentType, u.cacheControl]),
      ),
    )
  }
  if (plan && plan.deletes.length > 0) {
    parts.push(
      '',
      `**Deleted**: ${listed(
        plan.deletes.map((d) => d.key),
        10,
      )}`,
    )
  }
  if (report.paths.length > 0) {
    const id = report.invalidationId ? `\`${report.invalidationId}\` ` : ''
    parts.push(
      '',
      `**Invalidation** ${id}on ${report.distributionId} (${report.invalidationStatus ?? 'not sent'}): ` +
        `${report.paths.length} paths: ${listed(report.paths, 20)}`,
    )
  } else {
    parts.push('', `**Invalidation**: none (${report.invalidationNote ?? 'not reached'})`)
  }
  return `${parts.join('\n')}\n`
}
