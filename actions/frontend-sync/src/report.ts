// What a sync did (or, in a dry run, would do), filled in as it goes, so that a failed run
// still reports what it got done; and its outputs and job summary. Pure.
import { formatBytes, markdownTable } from '@deploy-actions/kit'
import { largest, type SyncPlan } from './diff.ts'
import type { Framework } from './files.ts'
import type { Inputs } from './inputs.ts'
import type { Kept } from './retention.ts'

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
  /** Paths a previous sync recorded and could not send, sent with this one. */
  pendingPaths?: number
  /** Invalidation paths recorded in the state before the first upload (for a re-run to send). */
  pendingRecorded?: number
  /** How far the sync got. */
  stage: 'plan' | 'upload' | 'delete' | 'invalidate' | 'done'
  framework?: Framework
  /** Old fingerprinted assets kept for open tabs. */
  kept: Kept[]
  /** Things the user should know and can fix. */
  warnings: string[]
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
    kept: [],
    warnings: [],
    stage: 'plan',
  }
}

/**
 * Where a stopped sync (cancelled, or failed without saying so itself) left the bucket, and what
 * a re-run does: the `left:` line.
 */
export function leftOf(report: Report): string {
  const plan = report.plan
  if (report.dryRun || !plan || report.stage === 'plan') return 'nothing uploaded or deleted'
  const recorded = report.pendingRecorded
    ? `; the ${report.pendingRecorded} invalidation paths are recorded, and a re-run sends them`
    : ''
  if (report.stage === 'upload') {
    const assets = plan.uploads.filter((u) => u.phase === 1).length
    const live =
      report.uploaded <= assets
        ? 'no page, manifest or service worker replaced, so the live site still works'
        : 'every asset uploaded, so each live page has its files'
    return `${report.uploaded} of ${plan.uploads.length} files uploaded (${live}); nothing deleted${recorded}; a re-run uploads the rest`
  }
  if (report.stage === 'delete') {
    return `every file uploaded; ${report.deleted} of ${plan.deletes.length} stale objects deleted${recorded}; a re-run deletes the rest`
  }
  if (report.stage === 'invalidate' && !report.invalidationId) {
    return `site fully synced; invalidation not sent${recorded}`
  }
  if (report.invalidationId && report.invalidationStatus !== 'completed') {
    return `site fully synced; invalidation ${report.invalidationId} created, CloudFront completes it on its own`
  }
  return 'site fully synced'
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
    const keys = plan.deletes.map((d) => d.key)
    const expired = plan.expired?.length ? ` (${plan.expired.length} old assets past their grace period)` : ''
    parts.push('', `**${report.dryRun ? 'To delete' : 'Deleted'}**${expired}: ${listed(keys, 10)}`)
  }
  if (report.kept.length > 0) {
    const rows = report.kept
      .slice(0, 20)
      .map((k) => [k.key, formatBytes(k.size), k.lastRelease, k.since.slice(0, 16).replace('T', ' '), k.goes])
    parts.push(
      '',
      `**Kept for open tabs**: ${report.kept.length} old fingerprinted files that left the build (never invalidated)`,
      '',
      markdownTable(['key', 'size', 'last in release', 'left the build', 'goes'], rows),
    )
    if (report.kept.length > 20) parts.push('', `… and ${report.kept.length - 20} more`)
  }
  if (report.paths.length > 0) {
    const id = report.invalidationId ? `\`${report.invalidationId}\` ` : ''
    parts.push(
      '',
      `**Invalidation** ${id}on ${report.distributionId} (${report.invalidationStatus ?? 'not sent'}): ` +
        `${report.paths.length} paths: ${listed(report.paths, 20)}`,
    )
    if (report.pendingPaths)
      parts.push('', `(includes ${report.pendingPaths} paths a previous sync recorded and did not send)`)
  } else {
    parts.push('', `**Invalidation**: none (${report.invalidationNote ?? 'not reached'})`)
  }
  if (report.framework && report.framework !== 'none')
    parts.push('', `Build: ${report.framework} (its cache and upload-order rules applied)`)
  for (const w of report.warnings) parts.push('', `> [!WARNING]\n> ${w}`)
  if (!report.dryRun && report.stage !== 'done') {
    parts.push('', `**Stopped during the ${report.stage} phase.** Left: ${leftOf(report)}.`)
  }
  return `${parts.join('\n')}\n`
}
