// The job summary and the outputs, from a (possibly partial) result. Pure.
import { formatBytes, markdownTable } from '@deploy-actions/kit'
import { largest } from './diff.ts'
import type { Inputs } from './inputs.ts'
import type { SyncResult } from './main.ts'

export function outputsOf(result: SyncResult): Record<string, string | number> {
  return {
    uploaded: result.uploaded,
    deleted: result.deleted,
    unchanged: result.unchanged,
    'bytes-uploaded': result.bytesUploaded,
    'invalidation-id': result.invalidationId ?? '',
    'paths-invalidated': result.paths.length,
  }
}

export function renderSummary(
  inputs: Pick<Inputs, 'bucket' | 'prefix' | 'source' | 'distributionId'>,
  result: SyncResult,
): string {
  const title = `### frontend-sync${result.dryRun ? ' (dry run: nothing written)' : ''}: s3://${inputs.bucket}/${inputs.prefix}`
  const verb = result.dryRun ? 'to ' : ''
  const plan = result.plan
  const rows: unknown[][] = [
    [`${verb}upload`, result.uploaded, formatBytes(result.bytesUploaded)],
    ['unchanged', result.unchanged, ''],
    [`${verb}delete`, result.deleted, plan ? formatBytes(plan.deletes.reduce((s, d) => s + d.size, 0)) : ''],
  ]
  const parts = [title, '', markdownTable(['files', 'count', 'bytes'], rows)]
  if (plan && plan.uploads.length > 0) {
    const top = largest(plan.uploads, 10)
    parts.push(
      '',
      `**Largest changes** (of ${plan.uploads.length})`,
      '',
      markdownTable(
        ['key', 'size', 'why', 'content type', 'cache-control'],
        top.map((u) => [u.key, formatBytes(u.size), u.reason, u.contentType, u.cacheControl]),
      ),
    )
  }
  if (plan && plan.deletes.length > 0) {
    const shown = plan.deletes.slice(0, 10).map((d) => `\`${d.key}\``)
    parts.push(
      '',
      `**Deleted**: ${shown.join(', ')}${plan.deletes.length > 10 ? ` and ${plan.deletes.length - 10} more` : ''}`,
    )
  }
  if (result.paths.length > 0) {
    const shown = result.paths.slice(0, 20).map((p) => `\`${p}\``)
    parts.push(
      '',
      `**Invalidation** ${result.invalidationId ? `\`${result.invalidationId}\` ` : ''}on ${inputs.distributionId} ` +
        `(${result.invalidationStatus ?? 'not sent'}): ${result.paths.length} paths: ${shown.join(', ')}${result.paths.length > 20 ? ' …' : ''}`,
    )
  } else {
    parts.push('', `**Invalidation**: none (${result.invalidationNote ?? 'not reached'})`)
  }
  return `${parts.join('\n')}\n`
}
