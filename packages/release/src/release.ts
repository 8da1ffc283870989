// The release runner: an ordered list of steps, run one after the other until the first failure.
// Steps marked `always` (the record, and guardrails that must undo what they did, such as a
// maintenance page) run after a failure too. Other parts of the release (preflight checks,
// windows and freezes, notifications, GitHub Deployments) join by adding steps to the list:
// `insertStep(RELEASE_STEPS, { after: 'preflight' }, step)`.
import { escapeCommandText, formatDuration } from '@deploy-actions/kit'
import type { PendingMigrations } from './pending-migrations.ts'
import type { StepRun, StepRunner } from './run-step.ts'
import type { Plan } from './types.ts'

export type Outcome = 'success' | 'failure' | 'skipped' | 'cancelled'

export interface TimelineEntry {
  step: string
  title: string
  outcome: Outcome
  startedAt: number
  endedAt: number
  /** One line: what the step did, or why it failed. */
  detail: string
}

/** What the release has done so far, for later steps, the next-steps text and the record. */
export interface ReleaseState {
  image?: { image?: string; imageRef?: string; digest?: string; tags?: string }
  /** What the preflight found pending (flyway info, read-only), before anything changed. */
  pending?: PendingMigrations
  snapshot?: { identifier: string; database: string }
  migrated?: { schemaVersion?: string; applied?: string }
  /** The rollout: deployed image, and the canary's result (promoted, aborted, paused). */
  rollout?: { image: string; result?: string; reason?: string; previousImage?: string; revision?: string }
  smoke?: { result?: string }
  frontends: Array<{ name: string; uploaded?: string; deleted?: string; invalidationId?: string }>
}

export interface ReleaseContext {
  plan: Plan
  /** The plan file as the user named it (for the commands printed as next steps). */
  planFile: string
  /** The plan's folder: relative paths in the plan resolve from it, and steps run in it. */
  dir: string
  version: string
  env: Record<string, string>
  steps: StepRunner
  state: ReleaseState
  log(line: string): void
  /** On a runner: each step's log in a collapsible group (the steps' own groups are flattened into it). */
  groups?: boolean
  signal: AbortSignal
  /** The timeline so far (a record step reads it). */
  timeline: TimelineEntry[]
  /** Set once a step failed or the release was cancelled. */
  failure?: { step: string; reason: string }
}

export interface ReleaseStep {
  id: string
  title: string
  applies(plan: Plan): boolean
  /** Returns one line for the timeline; throws StepFailure (or any error) to stop the release. */
  run(ctx: ReleaseContext): Promise<string>
  /** Runs after a failure too (and then sees ctx.failure). */
  always?: boolean
}

export class StepFailure extends Error {
  override name = 'StepFailure'
  readonly run: StepRun | undefined
  constructor(message: string, run?: StepRun) {
    super(message)
    this.run = run
  }
}

export interface ReleaseResult {
  ok: boolean
  cancelled: boolean
  failure?: { step: string; reason: string }
  timeline: TimelineEntry[]
  state: ReleaseState
}

export function insertStep(
  steps: readonly ReleaseStep[],
  where: { before: string } | { after: string },
  step: ReleaseStep,
): ReleaseStep[] {
  const anchor = 'before' in where ? where.before : where.after
  const i = steps.findIndex((s) => s.id === anchor)
  if (i < 0) throw new Error(`no release step ${anchor}`)
  const at = 'before' in where ? i : i + 1
  return [...steps.slice(0, at), step, ...steps.slice(at)]
}

/** Runs the steps in order; the first failure stops the release (steps marked `always` still run). */
export async function runRelease(ctx: ReleaseContext, steps: readonly ReleaseStep[]): Promise<ReleaseResult> {
  for (const step of steps) {
    const startedAt = Date.now()
    const entry = (outcome: Outcome, detail: string): TimelineEntry => ({
      step: step.id,
      title: step.title,
      outcome,
      startedAt,
      endedAt: Date.now(),
      detail,
    })
    if (!step.applies(ctx.plan)) {
      ctx.timeline.push(entry('skipped', 'not in the plan'))
      continue
    }
    if ((ctx.failure || ctx.signal.aborted) && !step.always) {
      ctx.timeline.push(
        entry('skipped', ctx.signal.aborted ? 'cancelled before it started' : `after ${ctx.failure?.step} failed`),
      )
      continue
    }
    ctx.log(ctx.groups ? `::group::${escapeCommandText(step.title)}` : `\n━━ ${step.title}`)
    const end = () => ctx.groups && ctx.log('::endgroup::')
    try {
      const detail = await step.run(ctx)
      ctx.timeline.push(entry('success', detail))
      end()
      ctx.log(escapeCommandText(`  ✔ ${step.title}: ${detail} (${formatDuration(Date.now() - startedAt)})`))
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      const cancelled = ctx.signal.aborted
      ctx.timeline.push(entry(cancelled ? 'cancelled' : 'failure', reason))
      end()
      ctx.log(escapeCommandText(`  ✘ ${step.title}: ${reason}`))
      ctx.failure ??= { step: step.id, reason }
    }
  }
  return {
    ok: !ctx.failure,
    cancelled: ctx.signal.aborted,
    ...(ctx.failure ? { failure: ctx.failure } : {}),
    timeline: ctx.timeline,
    state: ctx.state,
  }
}

/** The reason a failed step gives: its ::error:: line, else its exit code. */
export function failureOf(run: StepRun, what: string): StepFailure {
  const error = [...run.log].reverse().find((l) => /^\s*(error:|::error)/.test(l))
  const reason = error ? error.replace(/^\s*(error:\s*|::error[^:]*::)/, '') : `exit code ${run.code}`
  return new StepFailure(`${what}${run.cancelled ? ' (cancelled)' : ''}: ${reason}`, run)
}
