// The report of one ecr-push run, filled in as steps complete, and what it turns into: the
// step's outputs and the job summary. Pure: index.ts sets both, also when the run failed.
import { formatBytes, markdownTable } from '@deploy-actions/kit'
import type { Inputs, Mode } from './inputs.ts'
import {
  digestRef,
  formatCounts,
  type GateResult,
  imageRef,
  type SeverityCounts,
  type SeverityThreshold,
} from './plan.ts'

export interface ScanReport {
  status: string
  counts: SeverityCounts
  threshold: SeverityThreshold
  gate: GateResult
}

export interface PushReport {
  mode: Mode
  /** Registry host; '' until known (from the input, the repository URI or the ECR token). */
  registry: string
  repository: string
  tags: string[]
  /** What happened to each tag: pushed, promoted, unchanged. */
  tagResults: Record<string, string>
  digest?: string
  sizeBytes?: number
  mediaType?: string
  source?: string
  scan?: ScanReport
}

export function newReport(inputs: Inputs): PushReport {
  return {
    mode: inputs.mode,
    registry: inputs.registry ?? '',
    repository: inputs.repository,
    tags: inputs.tags,
    tagResults: {},
  }
}

/** Output name → value, for every output known so far (all of them after a successful run). */
export function outputsOf(r: PushReport): Record<string, string> {
  if (!r.registry) return {}
  const out: Record<string, string> = { registry: r.registry, tags: r.tags.join(',') }
  const first = r.tags[0]
  if (first) out.image = imageRef(r.registry, r.repository, first)
  if (r.digest) {
    out.digest = r.digest
    out['image-ref'] = digestRef(r.registry, r.repository, r.digest)
  }
  return out
}

export function renderSummary(r: PushReport): string {
  const first = r.tags[0]
  const rows: unknown[][] = [
    ['Image', first ? imageRef(r.registry, r.repository, first) : `${r.registry}/${r.repository}`],
    ['Tags', r.tags.map((t) => `${t} (${r.tagResults[t] ?? 'not pushed'})`).join(', ')],
    ['Digest', r.digest ?? 'unknown'],
    ['Size', r.sizeBytes === undefined ? 'unknown' : formatBytes(r.sizeBytes)],
  ]
  if (r.mediaType) rows.push(['Media type', r.mediaType])
  if (r.source) rows.push([r.mode === 'promote' ? 'Promoted from' : 'Source', r.source])
  if (r.scan) {
    const verdict =
      r.scan.threshold === 'NONE' ? 'report only' : r.scan.gate.failed ? `FAILED at ${r.scan.threshold}` : 'passed'
    rows.push(['Scan', `${r.scan.status}: ${formatCounts(r.scan.counts)} (${verdict})`])
  }
  const title = r.mode === 'promote' ? 'ECR promotion (manifest copy, no rebuild)' : 'ECR push'
  return `### ${title}\n\n${markdownTable(['', 'Value'], rows)}\n`
}

/** Where the run left things, for the `left:` line of a failed or cancelled run. */
export function leftOf(r: PushReport): string {
  const done = r.tags.filter((t) => r.tagResults[t])
  const rest = r.tags.filter((t) => !r.tagResults[t])
  const where = r.registry ? `${r.registry}/${r.repository}` : r.repository
  if (r.mode === 'promote') {
    if (!done.length) return `nothing promoted in ${where}; a re-run promotes ${r.tags.join(', ')}`
    return `promoted ${done.join(', ')} in ${where}${rest.length ? `; ${rest.join(', ')} untouched` : ''}; a re-run skips the promoted tags`
  }
  const login = r.registry ? '; the post step logs docker out' : ''
  if (!done.length) return `nothing pushed to ${where}${login}; a re-run builds and pushes again`
  return (
    `pushed ${done.join(', ')} to ${where}${rest.length ? `, not ${rest.join(', ')}` : ''}${login}; ` +
    'a re-run pushes every tag again (layers already there are skipped)'
  )
}
