// What a rollback did, as outputs and as the job summary. Pure: main fills the report as it goes,
// so a refused, failed or cancelled run still reports what it knows.
import { escapeCell, formatDuration, markdownTable } from '@deploy-actions/kit'
import type { HistoryEntry, PodProblem } from '@deploy-actions/kube'
import type { Inputs } from './inputs.ts'

export type Outcome =
  | 'rolled back'
  | 'already at the target'
  | 'already rolled back by this step'
  | 'refused'
  | 'failed'
  | 'cancelled'
  | 'not started'

export interface RollbackReport {
  namespace: string
  deployment: string
  /** What was asked, in words: `the previous revision`, `revision 2`, `image web:1.4`. */
  target: string
  wait: boolean
  outcome: Outcome
  fromRevision?: number
  restoredRevision?: number
  revision?: number
  /** `container=image`, after and before. */
  images: string[]
  previousImages: string[]
  history: HistoryEntry[]
  /** The canary found running, and what aborting it did. */
  canary?: string
  canaryAborted: string[]
  rolloutMessage?: string
  rolloutMs?: number
  problems: PodProblem[]
  /** Problem and Event lines of a failed rollout, as logged. */
  details: string[]
  error?: string
  leftState?: string
}

export function newReport(
  inputs: Pick<Inputs, 'namespace' | 'deployment' | 'toRevision' | 'image' | 'wait'>,
): RollbackReport {
  return {
    namespace: inputs.namespace,
    deployment: inputs.deployment,
    target: inputs.image
      ? `image ${inputs.image}`
      : inputs.toRevision > 0
        ? `revision ${inputs.toRevision}`
        : 'the previous revision',
    wait: inputs.wait,
    outcome: 'not started',
    images: [],
    previousImages: [],
    history: [],
    canaryAborted: [],
    problems: [],
    details: [],
  }
}

/** `web:2` for one container, `app=web:2,proxy=envoy:1.30` for several. */
export function formatImages(images: readonly string[]): string {
  if (images.length === 1) return images[0]!.slice(images[0]!.indexOf('=') + 1)
  return images.join(',')
}

/** The action's outputs (contract names), set also after a failure with what is known. */
export function outputsOf(report: RollbackReport): Record<string, string | undefined> {
  return {
    revision: report.revision === undefined ? undefined : String(report.revision),
    image: report.images.length ? formatImages(report.images) : undefined,
    'previous-image': report.previousImages.length ? formatImages(report.previousImages) : undefined,
  }
}

/** An error's message on one line, without the `(left: …)` the summary shows on its own line. */
export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error)
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

/** Where things stand, for the `left:` line of a failed or cancelled run. */
export function leftOf(r: RollbackReport): string | undefined {
  if (r.leftState) return r.leftState
  if (r.fromRevision === undefined) return r.canaryAborted.length ? `canary: ${r.canaryAborted.join('; ')}` : undefined
  return `${r.deployment} rolled back to ${formatImages(r.images)} (written)`
}

export function renderSummary(r: RollbackReport): string {
  const lines = [`## rollback: ${escapeCell(`${r.namespace}/${r.deployment}`)} ${r.outcome}`, '']
  lines.push(`Asked for ${escapeCell(r.target)}.`, '')
  if (r.error)
    lines.push(
      `> **${r.outcome === 'refused' ? 'Refused' : r.outcome === 'cancelled' ? 'Cancelled' : 'Failed'}**: ${escapeCell(r.error)}`,
      '',
    )
  if (r.leftState) lines.push(`Left: ${escapeCell(r.leftState)}`, '')
  if (r.fromRevision !== undefined) {
    const restored = r.restoredRevision !== undefined ? ` (the template of revision ${r.restoredRevision})` : ''
    lines.push(
      markdownTable(
        ['', 'Before', 'After'],
        [
          ['Revision', r.fromRevision, `${r.revision ?? '?'}${restored}`],
          ['Images', formatImages(r.previousImages), formatImages(r.images)],
        ],
      ),
      '',
    )
  }
  if (r.canary) {
    lines.push(`Canary: ${escapeCell(r.canary)}`, '')
    for (const line of r.canaryAborted) lines.push(`- ${escapeCell(line)}`)
    if (r.canaryAborted.length) lines.push('')
  }
  if (r.rolloutMessage)
    lines.push(
      `Rollout: ${escapeCell(r.rolloutMessage)}${r.rolloutMs !== undefined ? ` (${formatDuration(r.rolloutMs)})` : ''}`,
      '',
    )
  else if (!r.wait && r.outcome === 'rolled back') lines.push('Rollout: not awaited (`wait: false`).', '')
  if (r.problems.length) {
    lines.push(
      '### Failing pods',
      '',
      markdownTable(
        ['Pod', 'Container', 'Reason', 'Restarts', 'Message'],
        r.problems.map((p) => [
          p.pod,
          p.container ?? '',
          p.reason,
          p.restartCount,
          p.message ?? p.lastTermination ?? '',
        ]),
      ),
      '',
    )
  }
  const events = r.details.filter((d) => d.startsWith('  '))
  if (events.length) lines.push('### Events', '', '```', ...events.map((e) => e.trim()), '```', '')
  if (r.history.length) {
    lines.push(
      '### History before the rollback',
      '',
      markdownTable(
        ['Revision', 'Images', 'Change cause', ''],
        r.history.map((h) => [h.revision, h.images.join(', '), h.changeCause ?? '', h.current ? 'current' : '']),
      ),
      '',
    )
  }
  return lines.join('\n')
}
