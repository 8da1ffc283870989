// The root action's outputs and summary from the release's outcome (pure).
import { timelineMarkdown } from '../../../packages/release/src/next-steps.ts'
import type { PendingMigrations } from '../../../packages/release/src/pending-migrations.ts'
import type { ReleaseOutcome } from '../../../packages/release/src/session.ts'

export interface Report {
  version?: string
  outcome?: ReleaseOutcome
  /** plan mode: the markdown. */
  planMarkdown?: string
  /** A failure before any step ran (the plan file). */
  error?: string
}

export function outputsOf(report: Report): Record<string, string | undefined> {
  const r = report.outcome?.result
  const s = r?.state
  return {
    result:
      report.planMarkdown !== undefined
        ? 'planned'
        : r
          ? r.ok
            ? 'success'
            : r.cancelled
              ? 'cancelled'
              : 'failure'
          : report.error
            ? 'failure'
            : undefined,
    version: report.version,
    'failed-step': r?.failure?.step,
    'image-ref': s?.image?.imageRef,
    digest: s?.image?.digest,
    'snapshot-identifier': s?.snapshot?.identifier,
    'schema-version': s?.migrated?.schemaVersion,
    'canary-result': s?.rollout?.result,
    plan: report.planMarkdown,
  }
}

export function renderSummary(report: Report): string {
  if (report.planMarkdown !== undefined) return report.planMarkdown
  const o = report.outcome
  if (!o) return `## deploy-actions release\n\n**Not started:** ${report.error ?? 'unknown'}\n`
  const r = o.result
  const head = `## deploy-actions release ${report.version ?? ''}: ${r.ok ? '✅ done' : r.cancelled ? '⊘ cancelled' : `❌ stopped at ${r.failure?.step}`}`
  const next = o.nextSteps.length
    ? ['', '### Left to a human (nothing below was run)', '', '```', ...o.nextSteps, '```']
    : []
  return [head, '', timelineMarkdown(r.timeline), ...pendingMarkdown(r.state.pending), ...next, ''].join('\n')
}

/** What the preflight found pending (read before anything changed), as a table. */
function pendingMarkdown(pending: PendingMigrations | undefined): string[] {
  if (!pending) return []
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
  const head = `### Pending migrations at preflight (schema version ${cell(pending.schemaVersion ?? 'empty')})`
  if (!pending.migrations.length) return ['', head, '', 'None: the schema was up to date.']
  return [
    '',
    head,
    '',
    '| version | description | script |',
    '|---|---|---|',
    ...pending.migrations.map(
      (m) => `| ${cell(m.version || 'repeatable')} | ${cell(m.description)} | ${cell(m.script)} |`,
    ),
  ]
}
