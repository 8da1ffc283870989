// What the run did, as outputs and a job summary with a timeline. Pure.
import { escapeCell, formatDuration, markdownTable } from '@deploy-actions/kit'
import type { Judged } from './analysis.ts'
import type { CanaryAction, Inputs, RouterKind } from './inputs.ts'

export type Result = 'promoted' | 'aborted' | 'paused'

export interface TimelineEntry {
  at: number
  /** `step 1/3`, `promote`, `abort`, `bake`, … */
  step: string
  asked?: number
  live?: number
  /** Where the live weight was read and what the backends hold. */
  detail: string
  checks: Judged[]
}

export interface Report {
  action: CanaryAction
  namespace: string
  deployment: string
  router: RouterKind
  image: string | undefined
  previousImage: string | undefined
  result: Result | undefined
  reason: string | undefined
  /** The canary weight live at the end (0 after promote or abort). */
  weight: number | undefined
  revision: number | undefined
  started: number
  timeline: TimelineEntry[]
  /** Notes for the summary: labels changed and why, HPA sizing, manifests applied. */
  notes: string[]
  /** Where things were left, in words. */
  left: string | undefined
}

export function newReport(
  inputs: Pick<Inputs, 'action' | 'namespace' | 'deployment' | 'router' | 'image'>,
  now: number,
): Report {
  return {
    action: inputs.action,
    namespace: inputs.namespace,
    deployment: inputs.deployment,
    router: inputs.router,
    image: inputs.image,
    previousImage: undefined,
    result: undefined,
    reason: undefined,
    weight: undefined,
    revision: undefined,
    started: now,
    timeline: [],
    notes: [],
    left: undefined,
  }
}

export function outputsOf(r: Report): Record<string, string | number | undefined> {
  return {
    result: r.result,
    reason: r.reason,
    weight: r.weight,
    revision: r.revision,
    'previous-image': r.previousImage,
  }
}

const clockTime = (ms: number) => new Date(ms).toISOString().slice(11, 19)

export function renderSummary(r: Report): string {
  const title = r.result
    ? `### canary ${r.namespace}/${r.deployment}: ${r.result}`
    : `### canary ${r.namespace}/${r.deployment}: ${r.action} did not finish`
  const facts = markdownTable(
    ['', ''],
    [
      ['action', r.action],
      ['router', r.router],
      ['image', r.image ?? ''],
      ['previous image', r.previousImage ?? ''],
      ['weight', r.weight === undefined ? '' : `${r.weight}%`],
      ['revision', r.revision ?? ''],
      ...(r.reason ? [['reason', r.reason]] : []),
      ...(r.left ? [['left', r.left]] : []),
    ],
  )
  const parts = [title, '', facts]
  if (r.notes.length) parts.push('', ...r.notes.map((n) => `- ${escapeCell(n)}`))
  if (r.timeline.length) {
    const rows = r.timeline.map((e) => [
      `${clockTime(e.at)} (+${formatDuration(e.at - r.started)})`,
      e.step,
      e.asked === undefined ? '' : `${e.asked}%`,
      e.live === undefined ? '' : `${e.live}%`,
      e.detail,
      e.checks
        .map(
          (c) =>
            `${c.verdict === 'pass' ? '✅' : c.verdict === 'fail' ? '❌' : '❔'} ${c.check}: ${c.shown} (${c.threshold})`,
        )
        .join('\n'),
    ])
    parts.push('', '#### Timeline', '', markdownTable(['time', 'step', 'asked', 'live', 'routing', 'checks'], rows))
  }
  const queries = new Map<string, string>()
  for (const e of r.timeline) for (const c of e.checks) if (c.query) queries.set(c.check, c.query)
  if (queries.size) {
    parts.push(
      '',
      '#### Queries',
      '',
      markdownTable(
        ['check', 'query'],
        [...queries].map(([k, q]) => [k, `\`${q}\``]),
      ),
    )
  }
  return `${parts.join('\n')}\n`
}
