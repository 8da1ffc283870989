// What a human does after a failed release, in exact commands (pure). Nothing here is run:
// a database restore is never automatic (it loses the writes made since the snapshot, and the
// application must be pointed at the new instance), and a promoted release is rolled back only
// when someone decides to.
import { formatDuration } from '@deploy-actions/kit'
import type { ReleaseResult, TimelineEntry } from './release.ts'
import type { Plan } from './types.ts'

const quote = (s: string) => (/^[\w./@:-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`)

/** The default name of the instance a restore creates: the source's, marked with the snapshot's version. */
export function restoreTarget(database: string, snapshot: string): string {
  const tail = snapshot.startsWith(`${database}-`) ? snapshot.slice(database.length + 1) : snapshot
  return `${database}-restored-${tail.replace(/^pre-/, '')}`.slice(0, 63).replace(/-+$/, '')
}

export function nextSteps(plan: Plan, planFile: string, result: ReleaseResult): string[] {
  if (result.ok) return []
  const out: string[] = []
  const { state } = result
  const failed = result.failure?.step
  const rollout = state.rollout
  const k = plan.kubernetes
  if (rollout?.result === 'aborted') {
    out.push(
      `Application: the canary was aborted; ${k?.deployment} still serves ${rollout.previousImage ?? 'its previous image'}. Nothing to roll back.`,
    )
  } else if (rollout?.result === 'promoted' && failed !== 'canary') {
    out.push(
      `Application: ${k?.deployment} runs ${rollout.image} (revision ${rollout.revision ?? '?'}). To return it to the previous revision:`,
      `  npx deploy-actions rollback --plan ${quote(planFile)}`,
      `  (in a workflow: uses: org/deploy-actions/.github/workflows/rollback.yml@v1 with deployment: ${k?.deployment})`,
    )
  }
  const snap = state.snapshot
  if (snap && state.migrated) {
    const target = restoreTarget(snap.database, snap.identifier)
    out.push(
      `Database: migrated to schema version ${state.migrated.schemaVersion || '?'}; NOT restored (a restore is never automatic).`,
      `  If the new schema must go, restore the pre-release snapshot ${snap.identifier} into a new instance:`,
      `  npx deploy-actions restore --plan ${quote(planFile)} --snapshot ${snap.identifier} --target ${target}`,
      `  (in a workflow: rollback.yml with restore-database: true, snapshot-identifier: ${snap.identifier}, target-identifier: ${target})`,
      `  then point the application at the new instance's endpoint; ${snap.database} is left as it is.`,
    )
  } else if (snap && !state.migrated && failed === 'migrate') {
    out.push(
      `Database: the failed migration rolled back in its transaction; the snapshot ${snap.identifier} is there if anything else must be undone:`,
      `  npx deploy-actions restore --plan ${quote(planFile)} --snapshot ${snap.identifier} --target ${restoreTarget(snap.database, snap.identifier)}`,
    )
  }
  if (!snap && failed && ['migrate', 'canary', 'smoke', 'frontends'].includes(failed) && plan.database?.url) {
    out.push('Database: no snapshot was taken by this release (the plan takes none).')
  }
  return out
}

const ICON: Record<TimelineEntry['outcome'], string> = {
  success: '✔',
  failure: '✘',
  skipped: '·',
  cancelled: '⊘',
}

/** The timeline as plain lines: offset from the start, duration, outcome, step, detail. */
export function timelineLines(timeline: TimelineEntry[], start = timeline[0]?.startedAt ?? 0): string[] {
  return timeline.map((e) => {
    const at = `+${formatDuration(e.startedAt - start)}`.padStart(8)
    const took = e.outcome === 'skipped' ? '' : formatDuration(e.endedAt - e.startedAt)
    return `${at} ${took.padStart(7)}  ${ICON[e.outcome]} ${e.step.padEnd(10)} ${e.detail}`
  })
}

/** The timeline as a markdown table, for the job summary. */
export function timelineMarkdown(timeline: TimelineEntry[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
  const start = timeline[0]?.startedAt ?? 0
  const rows = timeline.map(
    (e) =>
      `| ${ICON[e.outcome]} | ${e.step} | +${formatDuration(e.startedAt - start)} | ${e.outcome === 'skipped' ? '' : formatDuration(e.endedAt - e.startedAt)} | ${cell(e.detail)} |`,
  )
  return ['| | step | at | took | detail |', '|---|---|---|---|---|', ...rows].join('\n')
}
